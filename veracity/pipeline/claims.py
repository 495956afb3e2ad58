"""A pasted text, checked claim by claim: the reports of its claims joined into one, with a verdict per claim
(Report.claim_results) and an overall one."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from ..text import plural
from ..types import (MIXED, NOT_ENOUGH_EVIDENCE, REFUTED, SUPPORTED, CitedText, ClaimResult, Failure, Finding,
                     Report, Source, Verdict)

LABEL_WORDS = {SUPPORTED: "supported", REFUTED: "refuted", MIXED: "mixed",
               NOT_ENOUGH_EVIDENCE: "without enough evidence"}
TITLES = {SUPPORTED: "Supported", REFUTED: "Refuted", MIXED: "Mixed", NOT_ENOUGH_EVIDENCE: "Not enough evidence"}


def overall(verdicts: list[Verdict]) -> Verdict | None:
    """The text's verdict from its claims': the same label when every claim has it, else mixed (some claims
    hold and some do not, or cannot be told). Its confidence is the least of the claims' (a claim's confidence
    is calibrated; a whole text's is not)."""
    if not verdicts:
        return None
    counts = Counter(v.label for v in verdicts)
    label = verdicts[0].label if len(counts) == 1 else MIXED
    tally = ", ".join(f"{n} {LABEL_WORDS[k]}" for k, n in sorted(counts.items(), key=lambda kv: -kv[1]))
    stance: Counter[str] = Counter()
    for v in verdicts:
        stance.update(v.stance_counts)
    rationale = (f"The text makes {plural(len(verdicts), 'claim')}, each checked on its own: {tally}. The confidence "
                 "is the least of the claims' confidences.")
    return Verdict(label, min(v.confidence for v in verdicts), rationale, dict(stance))


class Numbering:
    """One list of sources for the joined report: a document keeps one number, in order of first citation."""

    def __init__(self) -> None:
        self.sources: dict[int, Source] = {}  # document id -> Source with its new number

    def of(self, report: Report) -> dict[int, int]:
        """The report's source numbers -> the joined report's."""
        mapping = {}
        for s in report.sources:
            if s.document_id not in self.sources:
                self.sources[s.document_id] = replace(s, id=len(self.sources) + 1)
            mapping[s.id] = self.sources[s.document_id].id
        return mapping


def renumbered(text: CitedText, mapping: dict[int, int]) -> CitedText:
    return replace(text, citations=tuple(sorted({mapping[n] for n in text.citations if n in mapping})))


def finding(f: Finding, claim_number: int, mapping: dict[int, int]) -> Finding:
    sentences = tuple(replace(s, citations=tuple(mapping[n] for n in s.citations if n in mapping),
                              evidence=tuple(replace(e, source=mapping.get(e.source, e.source)) for e in s.evidence))
                      for s in f.sentences)
    return replace(f, heading=f"Claim {claim_number}: {f.heading}", sentences=sentences)


def combine(question: str, claims: tuple[str, ...], reports: list[Report], report_id: str) -> Report:
    """The report of a pasted text from the reports of its claims (one per claim, in order)."""
    numbering = Numbering()
    results: list[ClaimResult] = []
    findings: list[Finding] = []
    for i, (claim, r) in enumerate(zip(claims, reports), 1):
        mapping = numbering.of(r)
        results.append(ClaimResult(claim=claim, verdict=r.verdict, summary=renumbered(r.summary, mapping),
                                   nothing_found=r.nothing_found))
        findings += [finding(f, i, mapping) for f in r.findings]
    sources = tuple(sorted(numbering.sources.values(), key=lambda s: s.id))
    verdict = overall([r.verdict for r in reports if r.verdict is not None])
    found = sum(not r.nothing_found for r in reports)
    summary = CitedText(
        text=f"The text makes {plural(len(claims), 'checkable claim')}; each was checked on its own against the "
             f"sources, and the sources speak to {found} of them. "
             + " ".join(f"Claim {i}: {TITLES[c.verdict.label] if c.verdict else 'not judged'}"
                        + (f" ({c.verdict.confidence:.0%})." if c.verdict else ".") for i, c in enumerate(results, 1)),
        citations=())
    bottom = CitedText(text=(f"Overall: {TITLES[verdict.label].lower()} ({verdict.confidence:.0%}). "
                             f"{verdict.rationale}" if verdict else
                             f"{found} of the {plural(len(claims), 'claim')} have findings; read them claim by "
                             "claim."), citations=())
    failures: dict[tuple[str, str], Failure] = {}
    for r in reports:
        failures.update({(f.stage, f.message): f for f in r.failures})
    timings: Counter[str] = Counter()
    for r in reports:
        timings.update(r.timings_ms)
    follow_ups = list(dict.fromkeys(q for r in reports for q in r.follow_up_questions[:1]))[:5]
    first = reports[0]
    return Report(
        id=report_id, question=question, claim=question, checked_on=first.checked_on,
        queries=tuple(dict.fromkeys(q for r in reports for q in r.queries)), sources=sources,
        independent_sources=len({s.group for s in sources}), summary=summary, findings=tuple(findings),
        bottom_line=bottom, follow_up_questions=tuple(follow_ups), verdict=verdict,
        timings_ms={k: round(v, 1) for k, v in timings.items()}, versions=first.versions,
        nothing_found=not findings, failures=tuple(failures.values()), as_of=first.as_of, claims=claims,
        mode="extractive", open_question=False,
        undated_sources=None if first.as_of is None else sum(s.published is None for s in sources),
        claim_results=tuple(results))
