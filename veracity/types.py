"""The typed objects a check passes from stage to stage. All are frozen dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field

STANCE_LABELS = ("supports", "refutes", "neutral")
VERDICT_LABELS = ("supported", "refuted", "mixed", "not_enough_evidence")


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True)
class Document:
    id: int
    title: str
    location: str
    publisher: str | None
    published: str | None  # YYYY-MM-DD
    content_hash: str
    group: int  # independence group: near-duplicates share one
    text: str = field(repr=False, default="")


@dataclass(frozen=True)
class Passage:
    """A sentence-aware chunk of a document; offsets are into Document.text."""

    id: int
    document_id: int
    start: int
    end: int
    text: str
    sentences: tuple[Span, ...]  # absolute offsets into Document.text


@dataclass(frozen=True)
class Hit:
    """One passage returned by a search, with how it ranked."""

    passage: Passage
    document: Document
    score: float
    lexical_rank: int | None = None
    dense_rank: int | None = None


@dataclass(frozen=True)
class Plan:
    question: str
    claim: str  # the question as a declarative claim (yes/no questions) or the question itself
    is_yes_no: bool
    queries: tuple[str, ...]
    entities: tuple[str, ...] = ()  # names in the question; evidence must come from documents naming them
    is_open: bool = False  # an open question (who, what, how ...): the verdict says whether the sources agree
    claims: tuple[str, ...] = ()  # LLM mode: the check-worthy claims of a long text (the first is `claim`)


@dataclass(frozen=True)
class Stance:
    label: str  # one of STANCE_LABELS
    scores: dict[str, float]


@dataclass(frozen=True)
class Evidence:
    """One source sentence picked to stand in the report."""

    document: Document
    start: int
    end: int
    quote: str  # == document.text[start:end]
    relevance: float
    stance: Stance | None = None


@dataclass(frozen=True)
class Source:
    id: int  # the [n] of the report
    title: str
    location: str
    publisher: str | None
    published: str | None
    group: int
    document_id: int


@dataclass(frozen=True)
class EvidenceRef:
    source: int
    quote: str
    start: int
    end: int
    stance: Stance | None = None


@dataclass(frozen=True)
class Sentence:
    text: str
    citations: tuple[int, ...]
    evidence: tuple[EvidenceRef, ...]
    support: float | None = None  # verification score, when a check computed one


@dataclass(frozen=True)
class Finding:
    heading: str
    sentences: tuple[Sentence, ...]
    role: str | None = None  # supporting | refuting | context, once stance is known


@dataclass(frozen=True)
class CitedText:
    text: str
    citations: tuple[int, ...]
    support: float | None = None  # LLM mode: the least verification score of its sentences


@dataclass(frozen=True)
class Verdict:
    label: str  # one of VERDICT_LABELS
    confidence: float
    rationale: str
    stance_counts: dict[str, int]
    second_opinion: dict | None = None  # LLM mode, --llm-stance second|judge: the other judge's label and agreement


@dataclass(frozen=True)
class Failure:
    """Something that went wrong during a check and is shown to the user."""

    stage: str
    message: str


@dataclass(frozen=True)
class LLMUsage:
    """What the language model cost a check (LLM mode), in total and per stage."""

    model: str
    calls: int
    tokens_in: int
    tokens_out: int
    seconds: float
    stages: dict[str, dict[str, float]]


@dataclass(frozen=True)
class Report:
    id: str
    question: str
    claim: str
    checked_on: str
    queries: tuple[str, ...]
    sources: tuple[Source, ...]
    independent_sources: int
    summary: CitedText
    findings: tuple[Finding, ...]
    bottom_line: CitedText
    follow_up_questions: tuple[str, ...]
    verdict: Verdict | None
    timings_ms: dict[str, float]
    versions: dict[str, str]
    nothing_found: bool = False
    failures: tuple[Failure, ...] = ()
    as_of: str | None = None
    claims: tuple[str, ...] = ()  # LLM mode, a long text: its check-worthy claims (the first was checked)
    mode: str = "extractive"  # extractive | llm (the prose was written by a model, then verified)
    open_question: bool = False  # "What did Chicago do?": findings agree or disagree with the leading answer
    llm: LLMUsage | None = None
    undated_sources: int | None = None  # with as_of: how many of the sources have no date (kept, since unknown)
