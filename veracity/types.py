"""The typed objects a check passes from stage to stage. All are frozen dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field

from .factcheck import ClaimReview
from typing import Any

import numpy as np

from .labels import (CONTEXT, MIXED, NEUTRAL, NOT_ENOUGH_EVIDENCE, REFUTED, REFUTES, REFUTING, ROLE_OF_STANCE,
                     STANCE_LABELS, SUPPORTED, SUPPORTING, SUPPORTS, VERDICT_LABELS)

__all__ = ["CONTEXT", "MIXED", "NEUTRAL", "NOT_ENOUGH_EVIDENCE", "REFUTED", "REFUTES", "REFUTING", "ROLE_OF_STANCE",
           "STANCE_LABELS", "SUPPORTED", "SUPPORTING", "SUPPORTS", "VERDICT_LABELS"]


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
class Gathered:
    """gather -> select: the passages found for the plan's queries, fused, with what select needs of them."""

    hits: tuple[Hit, ...]
    query_vectors: np.ndarray  # one row per plan query
    sentence_vectors: dict[int, np.ndarray]  # passage id -> one row per sentence of the passage
    documents_searched: int  # documents in the collection when it was searched
    unmatched: tuple[str, ...] = ()  # the claim's words that no stored passage has at all


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
class Candidate:
    """An evidence sentence with its vector, as select, judge and organise pass it on."""

    evidence: Evidence
    vector: np.ndarray


@dataclass(frozen=True)
class Selection:
    """select -> judge: the evidence chosen, and the documents passed over because they read as instructions
    to an AI model (a prompt injection)."""

    candidates: tuple[Candidate, ...]
    injected_titles: tuple[str, ...] = ()
    pool: tuple[Candidate, ...] = ()  # the most relevant sentences, which the judge reads beside the candidates


@dataclass(frozen=True)
class Judgement:
    """judge -> organise: the evidence with its stance toward the claim, and the verdict (None: not judged)."""

    candidates: tuple[Candidate, ...]
    verdict: Verdict | None
    failures: tuple[Failure, ...] = ()


@dataclass(frozen=True)
class FindingDraft:
    """organise -> write: a cluster of evidence that becomes one finding."""

    heading: str
    role: str | None  # SUPPORTING, REFUTING or CONTEXT once stance is known
    members: tuple[Candidate, ...]


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
    # "quote": a source's exact words; "frame": veracity's own words around them ("Yes, in part:", "However,"),
    # never checked against a source; "damaged": a quote from a source whose text is damaged (odd casing,
    # misspellings); None: not marked (an LLM-written sentence, an older report)
    role: str | None = None


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
    sentences: tuple[Sentence, ...] = ()  # the text sentence by sentence: quotes and frame words, in order


@dataclass(frozen=True)
class Verdict:
    label: str  # one of VERDICT_LABELS
    confidence: float
    rationale: str
    stance_counts: dict[str, int]
    second_opinion: dict[str, Any] | None = None  # LLM mode, --llm-stance second|judge: the other judge's label and agreement
    # What decided: "direct" (a source states the claim or its opposite), "aggregate" (the fitted reading of
    # indirect evidence, such as a fact-checker's argument), "tally" (no fitted model), "rating" (a fact-check
    # of this claim), "none" (nothing to judge).
    basis: str = "tally"
    probabilities: dict[str, float] | None = None  # P(supported), P(refuted), P(not_enough_evidence) behind the label


@dataclass(frozen=True)
class Failure:
    """Something that went wrong during a check and is shown to the user."""

    stage: str
    message: str


@dataclass(frozen=True)
class Usage:
    """What a language model cost: calls, tokens and seconds. A report's `llm` gives the model, the total
    and one Usage per stage (plan, write, rewrite, stance)."""

    calls: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    seconds: float = 0.0
    model: str | None = None
    stages: dict[str, Usage] | None = None


@dataclass(frozen=True)
class WebUse:
    """What a check took from the web (check --web / --web-only): the providers asked, the queries sent, how
    many results came back and how many of their pages were read or could not be used (listed in failures)."""

    providers: tuple[str, ...]
    queries: tuple[str, ...]
    results: int
    pages_read: int
    pages_failed: int
    only: bool = False  # --web-only: the local collection was not searched
    replay_of: str | None = None  # check --replay: the check whose snapshots and search results were used
    claim_reviews: tuple[ClaimReview, ...] = ()  # fact checks found: from google_factcheck, or pages' markup


@dataclass(frozen=True)
class ClaimResult:
    """One claim of a pasted text, checked on its own: its verdict and summary (citations numbered as in the
    report that holds it)."""

    claim: str
    verdict: Verdict | None
    summary: CitedText
    nothing_found: bool = False


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
    llm: Usage | None = None
    web: WebUse | None = None  # check --web: what was taken from the web
    undated_sources: int | None = None  # with as_of: how many of the sources have no date (kept, since unknown)
    claim_results: tuple[ClaimResult, ...] = ()  # a pasted text: each of its claims checked; verdict is overall
