"""The report as one outline, the walk every renderer (terminal, Markdown, HTML) takes, so none can drift:
the same blocks in the same order, with the same words.

Every piece of text from a source or a user passes through `printable()` here: control characters (terminal
escape codes among them) never reach a renderer. Each renderer then escapes for its own format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..labels import VERDICT_TITLE as VERDICT_TITLE  # re-exported: the service pages use it
from ..labels import ANSWERED, DISPUTED, confidence_words, count_claims
from ..text import LEADING_FUNCTION_WORDS, plural
from ..types import CONTEXT, NOT_ENOUGH_EVIDENCE, REFUTING, SUPPORTING, CitedText, Report, Source

ROLE_TAG = {SUPPORTING: "supports the claim", REFUTING: "contradicts the claim", CONTEXT: "context"}
OPEN_ROLE_TAG = {SUPPORTING: "agrees with the leading answer", REFUTING: "disagrees with the leading answer",
                 CONTEXT: "context"}
# An open question's verdict is not about truth: what each label says, shown beside it.
ANSWER_NOTE = {ANSWERED: "the sources agree on the leading answer",
               DISPUTED: "the sources disagree on the answer",
               NOT_ENOUGH_EVIDENCE: "no other source confirms or contradicts the leading answer"}
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """Text without control characters (ESC, BEL, C1 codes, bidirectional overrides); newlines become spaces."""
    return CONTROL.sub("", text.replace("\n", " ").replace("\t", " "))


@dataclass(frozen=True)
class Cited:
    text: str
    citations: tuple[int, ...]
    frame: bool = False  # veracity's own words (the answer, "However,"), shown apart from the sources' words


@dataclass(frozen=True)
class SourceLine:
    id: int
    title: str
    publisher: str | None
    published: str | None
    location: str
    damaged: bool = False  # its text is damaged (odd capitals, misspellings): its quotes stand as written


@dataclass(frozen=True)
class Section:
    kind: str  # summary | claims | finding | bottom_line | reasons | follow_ups | sources | problems
    # reasons: how the verdict was reached, in numbers; shown collapsed (HTML, Markdown) or with --verbose
    heading: str
    tag: str | None = None  # a finding's role, in words
    text: tuple[Cited, ...] = ()  # a paragraph of cited sentences
    items: tuple[str, ...] = ()  # a bulleted list
    sources: tuple[SourceLine, ...] = ()


@dataclass(frozen=True)
class VerdictLine:
    label: str
    title: str
    confidence: float
    note: str | None = None  # what the label says, where it alone would mislead (verdict_note)


@dataclass(frozen=True)
class Outline:
    title: str  # the question
    checked_on: str  # "Checked on 2026-11-27 (evidence published on or before 2019-01-01)"
    searched_for: tuple[str, ...]
    found: str
    mode: str
    verdict: VerdictLine | None
    sections: tuple[Section, ...]
    footer: str  # "check ID"
    versions: tuple[str, ...] = ()  # "veracity 0.3.0", "embedder ... sha256:...": shown collapsed


def found_line(report: Report) -> str:
    return f"Found {plural(len(report.sources), 'source')} ({report.independent_sources} independent)"


def web_line(report: Report) -> str:
    """What the web gave a check (check --web): providers, results, pages read and pages that could not be used."""
    w = report.web
    if w is None:
        return ""
    where = "the web only" if w.only else "the web and the local collection"
    replayed = f"; replayed from check {w.replay_of} with no network" if w.replay_of else ""
    if w.queries != report.queries:  # LLM mode may search the collection with refined queries
        where += " for " + "; ".join(f"“{q}”" for q in w.queries)
    checks = "; ".join(f"{r.publisher or 'a fact-checker'} rated “{r.claim}” {r.rating or 'unrated'}"
                       for r in w.claim_reviews)
    return (f"Searched {where} ({', '.join(w.providers) or 'no provider'}): {plural(w.results, 'result')}, "
            f"{plural(w.pages_read, 'page')} read, {w.pages_failed} could not be used"
            + (f"; {plural(len(w.claim_reviews), 'fact check')} found: {checks}" if checks else "") + replayed)


def mode_line(report: Report) -> str:
    """How the prose was written: quoted from the sources, or by a model and then checked sentence by sentence."""
    if report.mode == "llm" and report.llm is not None:
        return (f"Written by {report.llm.model}; every sentence was checked against the passages it cites "
                f"({report.llm.calls} model calls, {report.llm.tokens_in + report.llm.tokens_out} tokens)")
    return "Every finding sentence is quoted from the source it cites"


def role_tag(report: Report, role: str) -> str:
    """How a finding stands: toward the claim, or for an open question toward the leading answer."""
    return (OPEN_ROLE_TAG if report.open_question else ROLE_TAG)[role]


def source_line(s: Source, damaged: set[int] | None = None) -> SourceLine:
    return SourceLine(id=s.id, title=printable(s.title), publisher=printable(s.publisher) if s.publisher else None,
                      published=printable(s.published) if s.published else None, location=printable(s.location),
                      damaged=s.id in (damaged or set()))


def damaged_sources(report: Report) -> set[int]:
    """The sources whose quotes are marked damaged (write.cite)."""
    sentences = [s for f in report.findings for s in f.sentences] + list(report.summary.sentences)
    return {e.source for s in sentences if s.role == "damaged" for e in s.evidence}


CONTRASTS = ("However,", "But")  # write.CONTRASTS: the quote after one reads on in lower case


def told(text: CitedText) -> tuple[Cited, ...]:
    """A text sentence by sentence, each with its citations in place and veracity's own words marked; a quote that
    follows "However," or "But" reads on in lower case when it opens with a function word (the quote itself is unchanged in
    the JSON)."""
    if not text.sentences:
        return (Cited(printable(text.text), text.citations),)
    out: list[Cited] = []
    for s in text.sentences:
        shown = printable(s.text)
        if out and out[-1].frame and out[-1].text in CONTRASTS and s.role != "frame":
            first = shown.split(" ", 1)[0]
            if first.lower() in LEADING_FUNCTION_WORDS and not first.isupper():
                shown = shown[:1].lower() + shown[1:]
        out.append(Cited(shown, s.citations, frame=s.role == "frame"))
    return tuple(out)


def verdict_note(report: Report) -> str | None:
    """What the verdict's label says beside it, where the label alone would mislead: an open question's
    (ANSWER_NOTE), and a pasted text's, which counts its claims ("2 of 3 claims supported, 1 not settled by the
    sources")."""
    if report.claim_results:
        return count_claims([c.verdict.label for c in report.claim_results if c.verdict is not None])
    return ANSWER_NOTE.get(report.verdict.label) if report.open_question and report.verdict else None


def reasons(report: Report) -> tuple[str, ...]:
    """How the verdict was reached, with its numbers: the judge's rationale, the confidence and the stances of
    the sentences it read. Kept out of the bottom line, which is one sentence that answers."""
    v = report.verdict
    if v is None:
        return ()
    counts = ", ".join(f"{n} {k}" for k, n in v.stance_counts.items())
    return tuple(line for line in (printable(v.rationale), f"Confidence: {v.confidence:.0%} ({confidence_words(v.confidence)})",
                                   f"Stances of the sentences read: {counts}" if counts else "") if line)


def outline(report: Report) -> Outline:
    p = printable
    sections = [Section("summary", "Executive summary", text=told(report.summary))]
    if report.claim_results:  # a pasted text: each claim's verdict, then the findings of every claim
        sections.append(Section("claims", "Claims in the text", items=tuple(
            f"Claim {i}: “{p(c.claim)}” — " + (f"{VERDICT_TITLE[c.verdict.label]} ({c.verdict.confidence:.0%})"
                                         if c.verdict else "not judged")
            + f": {p(c.summary.text)}" + "".join(f" [{n}]" for n in c.summary.citations)
            for i, c in enumerate(report.claim_results, 1))))
    for i, f in enumerate(report.findings, 1):
        sections.append(Section("finding", f"{i}. {p(f.heading)}", tag=role_tag(report, f.role) if f.role else None,
                                text=tuple(Cited(p(s.text), s.citations) for s in f.sentences)))
    sections.append(Section("bottom_line", "Bottom line",
                            text=(Cited(p(report.bottom_line.text), report.bottom_line.citations),)))
    if report.verdict is not None:
        sections.append(Section("reasons", "How the verdict was reached", items=reasons(report)))
    sections.append(Section("follow_ups", "Want to dive deeper?", items=tuple(p(q) for q in report.follow_up_questions)))
    if report.sources:
        sections.append(Section("sources", "Sources", sources=tuple(source_line(s, damaged_sources(report))
                                                                       for s in report.sources)))
    if report.failures:
        sections.append(Section("problems", "Problems during this check",
                                items=tuple(f"{f.stage}: {p(f.message)}" for f in report.failures)))
    verdict = (VerdictLine(report.verdict.label, VERDICT_TITLE[report.verdict.label], report.verdict.confidence,
                           verdict_note(report)) if report.verdict else None)
    return Outline(
        title=p(report.question),
        checked_on=f"Checked on {report.checked_on}"
                   + (f" (evidence published on or before {report.as_of})" if report.as_of else ""),
        searched_for=tuple(p(q) for q in report.queries), found=found_line(report) + (f". {p(web_line(report))}" if report.web else ""), mode=p(mode_line(report)),
        verdict=verdict, sections=tuple(sections),
        footer=f"check {report.id}", versions=tuple(f"{k} {p(v)}" for k, v in report.versions.items()))
