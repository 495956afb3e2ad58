"""A pasted text, checked claim by claim: the reports of its claims joined into one, with a verdict per claim
(Report.claim_results) and an overall one."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from ...text import plural
from ...labels import ANSWERED, DISPUTED, VERDICT_TITLE, count_claims
from ...types import (MIXED, NOT_ENOUGH_EVIDENCE, REFUTED, SUPPORTED, CitedText, ClaimResult, Failure, Finding,
                     Report, Source, Verdict)


WHY = {SUPPORTED: "every claim is supported", REFUTED: "the sources contradict at least one claim",
       MIXED: "the sources disagree on at least one claim", NOT_ENOUGH_EVIDENCE: "the sources do not settle every claim",
       ANSWERED: "the sources agree on the answer to each question", DISPUTED: "the sources disagree on each answer"}


def overall(verdicts: list[Verdict]) -> Verdict | None:
    """The text's verdict from its claims': the text holds only if every claim does. Every claim supported:
    supported; any claim refuted: refuted; else a claim on which the sources disagree: mixed (said of that
    claim's sources, never because the claims' labels differ); else not_enough_evidence (some claim is not
    settled by the sources). The confidence is that of the claims that decide: the least of them all for
    supported, else the greatest among the claims with the label given (one such claim decides). A text whose
    claims all have one label (an open question's too) has that label. The rationale counts the claims."""
    if not verdicts:
        return None
    labels = [v.label for v in verdicts]
    held = [SUPPORTED if v.label == ANSWERED else MIXED if v.label == DISPUTED else v.label for v in verdicts]
    if len(set(labels)) == 1:
        label, deciding = labels[0], verdicts
    else:
        label = (SUPPORTED if set(held) == {SUPPORTED} else REFUTED if REFUTED in held else MIXED if MIXED in held
                 else NOT_ENOUGH_EVIDENCE)
        deciding = verdicts if label == SUPPORTED else [v for v, h in zip(verdicts, held) if h == label]
    confidence = (min if label in (SUPPORTED, ANSWERED) else max)(v.confidence for v in deciding)
    stance: Counter[str] = Counter()
    for v in verdicts:
        stance.update(v.stance_counts)
    rationale = (f"The text makes {plural(len(verdicts), 'claim')}, each checked on its own: "
                 f"{count_claims(labels)}. {VERDICT_TITLE[label]} for the text as a whole: {WHY[label]}.")
    return Verdict(label, confidence, rationale, dict(stance))


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


def summary_lines(claims: tuple[str, ...], results: list[ClaimResult], verdict: Verdict | None,
                  found: int) -> tuple[CitedText, CitedText]:
    """The summary (each claim's verdict in order) and the bottom line (the claims counted, the overall verdict)."""
    summary = CitedText(
        text=f"The text makes {plural(len(claims), 'checkable claim')}; each was checked on its own against the "
             f"sources, and the sources speak to {found} of them. "
             + " ".join(f"Claim {i}: {VERDICT_TITLE[c.verdict.label] if c.verdict else 'not judged'}"
                        + (f" ({c.verdict.confidence:.0%})." if c.verdict else ".") for i, c in enumerate(results, 1)),
        citations=())
    judged = [c.verdict.label for c in results if c.verdict is not None]
    bottom = CitedText(text=(f"Overall: {count_claims(judged)}. {VERDICT_TITLE[verdict.label]} for the text as a "
                             f"whole ({verdict.confidence:.0%}): {WHY[verdict.label]}." if verdict else
                             f"{found} of the {plural(len(claims), 'claim')} have findings; read them claim by "
                             "claim."), citations=())
    return summary, bottom


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
    summary, bottom = summary_lines(claims, results, verdict, found)
    failures: dict[tuple[str, str], Failure] = {}
    timings: Counter[str] = Counter()
    for r in reports:
        failures.update({(f.stage, f.message): f for f in r.failures})
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
