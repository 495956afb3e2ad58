"""write (extractive): every finding sentence is a source sentence, quoted exactly, with its citation."""

from __future__ import annotations

from ..types import CitedText, EvidenceRef, Finding, Plan, Sentence, Source, Verdict
from .select import Candidate

CONFIDENCE_WORDS = ((0.9, "very high"), (0.75, "high"), (0.6, "moderate"), (0.0, "low"))


def confidence_words(c: float) -> str:
    return next(word for floor, word in CONFIDENCE_WORDS if c >= floor)


def number_sources(groups: list[tuple[str, str | None, list[Candidate]]]) -> dict[int, Source]:
    """Source numbers [n] in order of first citation; keyed by document id."""
    sources: dict[int, Source] = {}
    for _, _, members in groups:
        for c in members:
            d = c.evidence.document
            if d.id not in sources:
                sources[d.id] = Source(id=len(sources) + 1, title=d.title, location=d.location,
                                       publisher=d.publisher, published=d.published, group=d.group, document_id=d.id)
    return sources


def cite(c: Candidate, sources: dict[int, Source]) -> Sentence:
    e = c.evidence
    n = sources[e.document.id].id
    return Sentence(text=e.quote, citations=(n,),
                    evidence=(EvidenceRef(source=n, quote=e.quote, start=e.start, end=e.end, stance=e.stance),))


def findings(groups, sources) -> list[Finding]:
    return [Finding(heading=h, role=r, sentences=tuple(cite(c, sources) for c in members))
            for h, r, members in groups]


def summary(groups, sources) -> CitedText:
    """The most relevant sentence of each of the first findings, at most three, from distinct sources."""
    picks, used = [], set()
    for _, _, members in groups:
        best = max(members, key=lambda c: c.evidence.relevance)
        if best.evidence.document.id not in used or len(picks) == 0:
            picks.append(best)
            used.add(best.evidence.document.id)
        if len(picks) == 3:
            break
    return CitedText(text=" ".join(c.evidence.quote for c in picks),
                     citations=tuple(sorted({sources[c.evidence.document.id].id for c in picks})))


OPEN_PHRASES = {
    "supported": "The sources searched agree on the answer to",
    "mixed": "The sources searched disagree on the answer to",
    "not_enough_evidence": "Only one source searched answers",
}
VERDICT_PHRASES = {
    "supported": "The sources searched support the claim",
    "refuted": "The sources searched contradict the claim",
    "mixed": "The sources searched are mixed on the claim: some of the evidence supports it and some "
             "contradicts it or supports it only in part",
    "not_enough_evidence": "There is not enough evidence in the sources searched to settle the claim",
}


def bottom_line(plan: Plan, verdict: Verdict | None, finding_list: list[Finding]) -> CitedText:
    cited = sorted({n for f in finding_list if f.role in ("supporting", "refuting", None) for s in f.sentences
                    for n in s.citations})
    if verdict is None:
        return CitedText(text=f"{len(finding_list)} findings from the sources address the question; "
                              "read them with their citations.", citations=tuple(cited))
    phrase = (f"{OPEN_PHRASES[verdict.label]} “{plan.question}”" if plan.is_open
              else f"{VERDICT_PHRASES[verdict.label]} “{plan.claim}”")
    text = (f"{phrase} ({confidence_words(verdict.confidence)} confidence, {verdict.confidence:.0%}). "
            f"{verdict.rationale}")
    return CitedText(text=text, citations=tuple(cited))


def follow_ups(plan: Plan, finding_list: list[Finding], verdict: Verdict | None, newest: str | None) -> list[str]:
    out = []
    for f in finding_list[:2]:
        out.append(f"What do other sources report about {f.heading.lower()}?")
    if verdict and verdict.label in ("mixed", "refuted", "supported") and not plan.is_open:
        out.append(f"Which sources dispute that {plan.claim[0].lower() + plan.claim[1:]}?"
                   if verdict.label == "supported" else f"What evidence would settle whether {plan.claim[0].lower() + plan.claim[1:]}?")
    if newest:
        out.append(f"What has been reported on this since {newest}?")
    out.append(f"Which primary documents (records, rulings, statements) bear on “{plan.question}”?")
    return list(dict.fromkeys(out))[:5]
