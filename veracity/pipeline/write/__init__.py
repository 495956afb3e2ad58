"""write (extractive): every finding sentence is a source sentence, quoted exactly, with its citation."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from ...text import LEADING_FUNCTION_WORDS, content_words, without_possessive
from ...errors import LLMError
from ...llm import LLM, Ledger
from ...stance import StanceModel
from ...labels import ANSWERED, DISPUTED
from ...types import (MIXED, NOT_ENOUGH_EVIDENCE, REFUTED, REFUTING, SUPPORTED, SUPPORTING, Candidate, CitedText, Document, EvidenceRef, Failure, Finding, FindingDraft, Gathered, Plan,
                     Sentence, Source, Verdict)
from . import questions
from ..helpers import prose
from ..organise import document_sentences, leans_back
from ..organise.damage import damaged_sentence, odd_words
from ..verify import verify as verify_quotes
from ..verify import verify_cited



def number_sources(groups: list[FindingDraft]) -> dict[int, Source]:
    """Source numbers [n] in order of first citation; keyed by document id."""
    sources: dict[int, Source] = {}
    for group in groups:
        for c in group.members:
            d = c.evidence.document
            if d.id not in sources:
                sources[d.id] = Source(id=len(sources) + 1, title=d.title, location=d.location,
                                       publisher=d.publisher, published=d.published, group=d.group, document_id=d.id)
    return sources


def cite(c: Candidate, sources: dict[int, Source], damaged: frozenset[int] = frozenset()) -> Sentence:
    e = c.evidence
    n = sources[e.document.id].id
    return Sentence(text=e.quote, citations=(n,),
                    evidence=(EvidenceRef(source=n, quote=e.quote, start=e.start, end=e.end, stance=e.stance),),
                    role="damaged" if e.document.id in damaged else "quote")


def findings(groups: list[FindingDraft], sources: dict[int, Source],
             damaged: frozenset[int] = frozenset()) -> list[Finding]:
    return [Finding(heading=g.heading, role=g.role, sentences=tuple(cite(c, sources, damaged) for c in g.members))
            for g in groups]


# A sentence that leans on what came before it ("On the other hand, ...", "They said ...") reads wrongly alone.
LEANS_BACK = re.compile(r"^(?:on the other hand|however|but|and|also|meanwhile|still|yet|instead|moreover|"
                        r"furthermore|in addition|nevertheless|this|that|these|those|it|its|they|their|he|she|"
                        r"his|her|such)\b", re.I)

SUMMARY_WORDS = 110  # the summary stays under 120 words
SUMMARY_POINTS = 3
CONTRASTS = ("However,", "But")  # veracity's words between two sentences that pull opposite ways, in turn


# The summary's first sentence, veracity's own words: the answer the verdict gives, then what it is about.
ANSWERS = {
    SUPPORTED: ("Yes", "the sources searched support the claim that"),
    REFUTED: ("No", "the sources searched contradict the claim that"),
    MIXED: ("In part", "the sources searched both support and contradict the claim that"),
    NOT_ENOUGH_EVIDENCE: ("Not settled", "the sources searched neither confirm nor contradict the claim that"),
    ANSWERED: ("The sources agree", "on the answer to"),
    DISPUTED: ("The sources disagree", "on the answer to"),
}
# An open question has no claim to support: "Not settled: no other source searched confirms or contradicts the
# leading answer to “What honours has B.B. King received?”."
OPEN_ANSWERS = {NOT_ENOUGH_EVIDENCE: "no other source searched confirms or contradicts the leading answer to"}
LEANING = {SUPPORTED: SUPPORTING, REFUTED: REFUTING}  # which way the answer itself pulls


def answer(plan: Plan, verdict: Verdict) -> str:
    """The summary's first sentence: the verdict's answer in plain words ("Yes: the sources searched support the
    claim that Chicago cooperated with ICE.")."""
    word, phrase = ANSWERS[verdict.label]
    if plan.is_open and verdict.label in OPEN_ANSWERS:
        return f"{word}: {OPEN_ANSWERS[verdict.label]} “{plan.question}”."
    if plan.is_open:
        return f"{word} {phrase} “{plan.question}”."
    return f"{word}: {phrase} {in_sentence(plan.claim).rstrip('.')}."


def frame(text: str) -> Sentence:
    return Sentence(text=text, citations=(), evidence=(), role="frame")


def summary_sentence(group: FindingDraft, damaged: frozenset[int]) -> Candidate | None:
    """The sentence of a finding that tells its point in the summary: its first that stands on its own (no
    reference to something it does not name), a clean source's before a damaged one's."""
    standalone = [c for c in group.members if not leans_back(c.evidence.quote)
                  and not (c.evidence.document.id in damaged and damaged_sentence(c.evidence.quote))]
    return min(standalone, key=lambda c: c.evidence.document.id in damaged, default=None)


def most_relevant(groups: list[FindingDraft], sources: dict[int, Source], damaged: frozenset[int]) -> list[Sentence]:
    """The most relevant sentence of the findings, quoted, or nothing when no finding has a numbered source."""
    members = [c for g in groups for c in g.members if c.evidence.document.id in sources]
    return [cite(max(members, key=lambda c: c.evidence.relevance), sources, damaged)] if members else []


def summary(groups: list[FindingDraft], sources: dict[int, Source], plan: Plan | None = None,
            verdict: Verdict | None = None, damaged: frozenset[int] = frozenset()) -> CitedText:
    """Answer first: the verdict in veracity's words (a frame), then the main points in the findings' order, each
    a source's exact sentence with its citation in place, "However," (a frame) between two that pull opposite
    ways; under SUMMARY_WORDS words. Sentences that refer to something they do not name are passed over."""
    parts: list[Sentence] = []
    pull = None
    if plan is not None and verdict is not None:
        parts.append(frame(answer(plan, verdict)))
        pull = LEANING.get(verdict.label)
    words = sum(len(s.text.split()) for s in parts)
    quoted = 0
    for group in groups:
        c = summary_sentence(group, damaged)
        if c is None or c.evidence.document.id not in sources:
            continue
        contrast = pull is not None and {pull, group.role} == {SUPPORTING, REFUTING}
        cost = len(c.evidence.quote.split()) + contrast
        if words + cost > SUMMARY_WORDS:
            continue
        if contrast:
            parts.append(frame(CONTRASTS[sum(p.role == "frame" for p in parts[1:]) % len(CONTRASTS)]))
        parts.append(cite(c, sources, damaged))
        words += cost
        quoted += 1
        if group.role in (SUPPORTING, REFUTING):
            pull = group.role
        if quoted == SUMMARY_POINTS:
            break
    if not quoted:  # every sentence leans back or is too long: the most relevant one still says something
        parts += most_relevant(groups, sources, damaged)
    return CitedText(text=" ".join(s.text for s in parts),
                     citations=tuple(dict.fromkeys(n for s in parts for n in s.citations)), sentences=tuple(parts))


OPEN_PHRASES = {
    ANSWERED: "The sources searched agree on the answer to",
    DISPUTED: "The sources searched disagree on the answer to",
    NOT_ENOUGH_EVIDENCE: "No other source searched confirms or contradicts the leading answer to",
}
VERDICT_PHRASES = {  # (before the quoted claim, after it)
    SUPPORTED: ("The sources searched support the claim", ""),
    REFUTED: ("The sources searched contradict the claim", ""),
    MIXED: ("The sources searched are mixed on the claim",
              ": some of the evidence supports it and some contradicts it or supports it only in part"),
    NOT_ENOUGH_EVIDENCE: ("There is not enough evidence in the sources searched to settle the claim", ""),
}


def bottom_line(plan: Plan, verdict: Verdict | None, finding_list: list[Finding]) -> CitedText:
    """One sentence that answers, from the verdict's label."""
    cited = sorted({n for f in finding_list if f.role in ("supporting", "refuting", None) for s in f.sentences
                    for n in s.citations})
    if verdict is None:
        return CitedText(text=f"{len(finding_list)} findings from the sources address the question; "
                              "read them with their citations.", citations=tuple(cited))
    if plan.is_open:
        phrase = f"{OPEN_PHRASES[verdict.label]} “{plan.question}”"
    else:
        before, after = VERDICT_PHRASES[verdict.label]
        phrase = f"{before} “{plan.claim}”{after}"
    # one sentence that answers; the confidence and the rationale (with its numbers) are the verdict's, shown
    # collapsed under the bottom line (render/outline.py reasons) and kept in the JSON
    return CitedText(text=f"{phrase}.", citations=tuple(cited))


def in_sentence(claim: str) -> str:
    """The claim as it reads inside a sentence: "The city ..." -> "the city ...", "Chicago ..." unchanged."""
    first = claim.split(" ", 1)[0]
    return claim[0].lower() + claim[1:] if first.lower() in LEADING_FUNCTION_WORDS else claim


def follow_ups(plan: Plan, finding_list: list[Finding], verdict: Verdict | None, newest: str | None,
               texts: list[str] | None = None) -> list[str]:
    """What the sources raise and the report does not settle (questions.py: a disputed point, matters left
    open, questions left unanswered, in the sources' words); texts: the full text of the cited documents.
    Where they raise too little, questions about the claim itself, never about a bare name."""
    out = questions.follow_ups(plan.question, finding_list, texts or [s.text for f in finding_list for s in f.sentences])
    if verdict and verdict.label in (MIXED, REFUTED, SUPPORTED) and not plan.is_open:
        out.append(f"Which sources dispute that {in_sentence(plan.claim)}?"
                   if verdict.label == SUPPORTED else f"What evidence would settle whether {in_sentence(plan.claim)}?")
    if len(out) < 2 and newest:
        out.append(f"What has been reported on this since {newest}?")
    if len(out) < 2:
        out.append(f"Which primary documents (records, rulings, statements) bear on “{plan.question}”?")
    return list(dict.fromkeys(out))[:questions.MAX_QUESTIONS]


# --- The writers: extractive and LLM, one interface ------------------------------------------------------------

@dataclass(frozen=True)
class WriteJob:
    """What the write and verify stages work from."""

    plan: Plan
    verdict: Verdict | None
    drafts: tuple[FindingDraft, ...]
    sources: dict[int, Source]  # keyed by document id, numbered in order of first citation
    documents: dict[int, Document]  # the cited documents, with their full text
    gathered: Gathered
    searched: str  # what was searched, in words ("4 queries over 3 documents")
    damaged: frozenset[int] = frozenset()  # ids of the documents whose text is damaged (organise.damaged_document)


@dataclass(frozen=True)
class Draft:
    """write -> verify: the findings as source quotes, and in LLM mode what the model wrote (not yet checked)."""

    findings: tuple[Finding, ...]
    prose: prose.ReportOut | None = None
    failures: tuple[Failure, ...] = ()


@dataclass(frozen=True)
class Written:
    """verify -> the report: what passed verification, and the sources it cites."""

    findings: tuple[Finding, ...]
    sources: tuple[Source, ...]
    summary: CitedText
    bottom_line: CitedText
    follow_ups: tuple[str, ...]
    failures: tuple[Failure, ...]
    mode: str  # extractive | llm (the prose was written by a model, then verified)


class Writer(Protocol):
    def write(self, job: WriteJob) -> Draft:
        """The write stage."""

    def verify(self, job: WriteJob, draft: Draft) -> Written:
        """The verify stage: every sentence against the passages it cites; what fails is dropped and recorded."""


class ExtractiveWriter:
    """Every finding sentence is a source sentence, quoted exactly, with its citation."""

    def write(self, job: WriteJob) -> Draft:
        return Draft(findings=tuple(findings(list(job.drafts), job.sources, job.damaged)))

    def verify(self, job: WriteJob, draft: Draft) -> Written:
        kept, dropped = verify_quotes(list(draft.findings), job.sources, job.documents)
        return finish(job, kept, [*draft.failures, *dropped])


class LLMWriter:
    """A language model writes the prose from the evidence; each written sentence must then pass verification
    (its citations, numbers, dates and names, and the stance model's support), or it is rewritten once and
    else dropped. Whatever the model cannot write is quoted from the sources instead."""

    def __init__(self, llm: LLM, ledger: Ledger, stance_model: StanceModel, support_threshold: float) -> None:
        self.llm, self.ledger = llm, ledger
        self.stance_model, self.support_threshold = stance_model, support_threshold

    def write(self, job: WriteJob) -> Draft:
        quoted = tuple(findings(list(job.drafts), job.sources, job.damaged))
        if not quoted:
            return Draft(findings=quoted)
        try:
            written = prose.write(job.plan, verdict_line(job.verdict), list(job.drafts),
                                  {d: s.id for d, s in job.sources.items()}, self.llm, self.ledger)
        except LLMError as exc:
            return Draft(findings=quoted, failures=(Failure("write", f"the LLM could not write the report ({exc}); "
                                                                     "it was written extractively instead: every "
                                                                     "sentence quotes its source"),))
        return Draft(findings=quoted, prose=written)

    def verify(self, job: WriteJob, draft: Draft) -> Written:
        kept, dropped = verify_quotes(list(draft.findings), job.sources, job.documents)
        failures = [*draft.failures, *dropped]
        if draft.prose is None or len(kept) != len(job.drafts):
            return finish(job, kept, failures)
        written = prose.verified(draft.prose, list(job.drafts), kept, job.sources, self.stance_model,
                                 self.support_threshold, self.llm, self.ledger)
        failures += written.failures
        if not written.kept:
            failures.append(Failure("verify", "nothing the LLM wrote passed verification; the report quotes its "
                                              "sources instead"))
            return finish(job, written.findings, failures)
        return finish(job, written.findings, failures, written)


def verdict_line(verdict: Verdict | None) -> str:
    if verdict is None:
        return "none (the verdict was not computed)"
    return f"{verdict.label} ({verdict.confidence:.0%}): {verdict.rationale}"


def with_written(written: prose.Written, text: CitedText, bottom: CitedText,
                 questions: list[str]) -> tuple[CitedText, CitedText, list[str]]:
    """LLM mode: the model's summary, its bottom sentence before the extractive bottom line, and its follow-up
    questions first (the extractive ones fill up to five when it gave fewer than two)."""
    text = written.summary or text
    if written.bottom_sentence is not None:
        bottom = CitedText(text=f"{written.bottom_sentence.text} {bottom.text}",
                           citations=tuple(sorted(set(bottom.citations) | set(written.bottom_sentence.citations))),
                           support=written.bottom_sentence.support)
    questions = (written.follow_ups + [q for q in questions if q not in written.follow_ups])[:5] \
        if len(written.follow_ups) < 2 else written.follow_ups
    return text, bottom, questions


def finish(job: WriteJob, finding_list: list[Finding], failures: list[Failure],
           written: prose.Written | None = None) -> Written:
    """The report's text around the verified findings: the sources they cite, the summary, the bottom line and
    the follow-up questions (the model's, in LLM mode, where they passed verification)."""
    used = {n for f in finding_list for s in f.sentences for n in s.citations}
    if written is not None:  # the model's summary and bottom line may cite a source no finding sentence cites
        used |= {n for t in (written.summary, written.bottom_sentence) if t is not None for n in t.citations}
    sources = {k: v for k, v in job.sources.items() if v.id in used}
    if not finding_list:
        return nothing_found(job, failures)
    kept_groups = [g for g in job.drafts if any(sources.get(c.evidence.document.id) for c in g.members)]
    text, dropped = verify_cited(summary(kept_groups, sources, job.plan, job.verdict, job.damaged), sources,
                                 job.documents)
    failures = [*failures, *dropped, *damage_notes(job, sources)]
    newest = max((s.published for s in sources.values() if s.published), default=None)
    bottom = bottom_line(job.plan, job.verdict, finding_list)
    questions = follow_ups(job.plan, finding_list, job.verdict, newest,
                           [job.documents[k].text for k in sources if k in job.documents])
    if written is not None:
        text, bottom, questions = with_written(written, text, bottom, questions)
    return Written(findings=tuple(finding_list), sources=tuple(sorted(sources.values(), key=lambda s: s.id)),
                   summary=text, bottom_line=bottom, follow_ups=tuple(questions), failures=tuple(failures),
                   mode="llm" if written is not None else "extractive")


def damage_notes(job: WriteJob, sources: dict[int, Source]) -> list[Failure]:
    """One note per cited source whose text is damaged, with examples of its misspelt words."""
    notes = []
    for d in sorted(k for k in job.damaged if k in sources and k in job.documents):
        odd = list(dict.fromkeys(w for _, _, t in document_sentences(job.documents[d]) for w in odd_words(t)))[:3]
        examples = f" such as {', '.join(f'“{w}”' for w in odd)}" if odd else ""
        notes.append(Failure("source", f"[{sources[d].id}] “{sources[d].title}”: the text of this source is damaged "
                                       f"(odd capitals, misspelt words{examples}); its sentences are quoted as they "
                                       "stand, and a clean source's is preferred where one says the same"))
    return notes


def nothing_found(job: WriteJob, failures: list[Failure]) -> Written:
    """The report when no evidence reached the report: what was searched, for what, and the words of the claim
    that nothing searched mentions. Never a verdict of false."""
    p = job.plan
    absent = {w.lower() for w in job.gathered.unmatched}  # words no stored passage has at all
    # a name is missing only when none of its words is in any stored passage
    missing = [e for e in p.entities if all(w.lower() in absent for w in e.split() if len(w) >= 3)]
    for w in job.gathered.unmatched:
        if not any(w.lower() in m.lower() or m.lower() in w.lower() for m in missing):
            missing.append(w)
    quoted = [f"“{m}”" for m in missing]
    why = (f"No source searched mentions {', '.join(quoted[:-1])} or {quoted[-1]}." if len(quoted) > 1 else
           f"No source searched mentions {quoted[0]}." if quoted else "")
    words = dict.fromkeys(without_possessive(w) for w in content_words(p.claim))
    present = [w for w in words if w.lower() not in absent]
    if job.gathered.hits and present:  # passages have some of its words, but none is close enough to quote
        shown = ", ".join(f"“{w}”" for w in present[:6])
        lead = (f"The sources searched have passages with some of its words ({shown}), but no sentence in them is "
                "close enough to this question to quote (the relevance threshold), so no finding is reported.")
    else:
        lead = "Nothing in the sources searched addresses this question: no stored passage has any of its words."
    text = CitedText(text=f"{lead} Searched: {job.searched}, for {'; '.join(repr(q) for q in p.queries)}. {why}"
                          .strip(), citations=())
    bottom = CitedText(text="Not enough evidence in the sources searched. This does not mean the claim is "
                            "false: add sources that cover it (veracity ingest PATH) and check again.", citations=())
    questions = (f"Which sources would cover “{p.question}”?",
                 "Is the question about a place, person or event the collection does not include?")
    return Written(findings=(), sources=(), summary=text, bottom_line=bottom, follow_ups=questions,
                   failures=tuple(failures), mode="extractive")
