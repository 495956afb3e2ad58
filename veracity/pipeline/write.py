"""write (extractive): every finding sentence is a source sentence, quoted exactly, with its citation."""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

from ..text import LEADING_FUNCTION_WORDS, STOPWORDS, content_words, distinctive, entities, without_possessive
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


# A sentence that leans on what came before it ("On the other hand, ...", "They said ...") reads wrongly alone.
LEANS_BACK = re.compile(r"^(?:on the other hand|however|but|and|also|meanwhile|still|yet|instead|moreover|"
                        r"furthermore|in addition|nevertheless|this|that|these|those|it|its|they|their|he|she|"
                        r"his|her|such)\b", re.I)


def summary(groups, sources) -> CitedText:
    """The most relevant sentence of each of the first findings, at most three, from distinct sources;
    sentences that lean on what came before them are passed over."""
    picks, used = [], set()
    for _, _, members in groups:
        standalone = [c for c in members if not LEANS_BACK.match(c.evidence.quote.lstrip("\"\u201c\u2018'"))]
        if not standalone:
            continue
        best = max(standalone, key=lambda c: c.evidence.relevance)
        if best.evidence.document.id not in used or len(picks) == 0:
            picks.append(best)
            used.add(best.evidence.document.id)
        if len(picks) == 3:
            break
    if not picks:  # every sentence leans back: the most relevant one still says something
        picks = [max((c for _, _, m in groups for c in m), key=lambda c: c.evidence.relevance)]
    return CitedText(text=" ".join(c.evidence.quote for c in picks),
                     citations=tuple(sorted({sources[c.evidence.document.id].id for c in picks})))


OPEN_PHRASES = {
    "supported": "The sources searched agree on the answer to",
    "mixed": "The sources searched disagree on the answer to",
    "not_enough_evidence": "No other source searched confirms or contradicts the leading answer to",
}
VERDICT_PHRASES = {  # (before the quoted claim, after it)
    "supported": ("The sources searched support the claim", ""),
    "refuted": ("The sources searched contradict the claim", ""),
    "mixed": ("The sources searched are mixed on the claim",
              ": some of the evidence supports it and some contradicts it or supports it only in part"),
    "not_enough_evidence": ("There is not enough evidence in the sources searched to settle the claim", ""),
}


def bottom_line(plan: Plan, verdict: Verdict | None, finding_list: list[Finding]) -> CitedText:
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
    text = (f"{phrase} ({confidence_words(verdict.confidence)} confidence, {verdict.confidence:.0%}). "
            f"{verdict.rationale}")
    return CitedText(text=text, citations=tuple(cited))


CALENDAR = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february",
            "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"}


def names(text: str) -> list[str]:
    """Names in a sentence as the source writes them ("U.S. Immigration"), each within one stretch between
    punctuation marks ("In a Letter, Members" is two). A name that is part of a longer one joined by "and",
    "of" or "for" ("U.S. Immigration and Customs Enforcement") is left out rather than cut."""
    out = []
    for part in re.split(r"[,;:()\u201c\u201d\"\u2014\u2013]", text):
        for name in entities(part):
            found = re.search(r"\s+".join(re.escape(t) + r"\.?" for t in name.split()), part)
            if not found:
                continue
            joined = (re.match(r"\s+(?:and|of|for|&)\s+[A-Z]", part[found.end():])
                      or re.search(r"[A-Z]\S*\s+(?:and|of|for|&)\s+$", part[:found.start()]))
            if not joined:
                name = without_possessive(found.group(0))
                out.append(name[:-1] if name.endswith(".") and "." not in name[:-1] else name)
    return out


def title_cased(text: str) -> bool:
    """A headline or a garbled source: most words capitalised, or function words capitalised mid-sentence
    ("Sent Ice The Arrest Records"). Capitals there say nothing about names."""
    ws = [w for w in text.split() if w[:1].isalpha()]
    shouting = sum(w[0].isupper() and w.lower() in STOPWORDS for w in ws[1:])
    return len(ws) >= 4 and (sum(w[0].isupper() for w in ws) > 0.6 * len(ws) or shouting >= 2)


def topics(finding_list: list[Finding], asked: set[str], texts: list[str] = ()) -> list[str]:
    """Per finding, the name it mentions most that the question does not already have: a distinctive one (ICE,
    COVID-19, McDonald), or one of two to four words that its sources write more than once (texts: the cited
    documents' text; without them, the report's sentences). A run of capitals in a garbled source ("President Donald Trump Returned")
    rarely repeats itself. Sentences in Title Case and dates are left out."""
    sentences = [s.text for f in finding_list for s in f.sentences]

    @cache
    def recurs(name: str) -> bool:
        return sum(len(re.findall(rf"\b{re.escape(name)}\b", t)) for t in (texts or sentences)) > 1

    out = []
    for f in finding_list:
        counts: Counter[str] = Counter()
        for s in f.sentences:
            if title_cased(s.text):
                continue
            for name in names(s.text):
                ws = name.split()
                if (len(ws) <= 4 and not all(w.lower() in asked or w.lower() in CALENDAR for w in ws)
                        and (all(distinctive(w) for w in ws) or (len(ws) > 1 and recurs(name)))):
                    counts[name] += 1
        if counts:
            out.append(max(counts, key=lambda name: counts[name]))
    return list(dict.fromkeys(out))


def in_sentence(claim: str) -> str:
    """The claim as it reads inside a sentence: "The city ..." -> "the city ...", "Chicago ..." unchanged."""
    first = claim.split(" ", 1)[0]
    return claim[0].lower() + claim[1:] if first.lower() in LEADING_FUNCTION_WORDS else claim


def follow_ups(plan: Plan, finding_list: list[Finding], verdict: Verdict | None, newest: str | None,
               texts: list[str] = ()) -> list[str]:
    """texts: the full text of the cited documents (names that recur there make good topics)."""
    out = []
    asked = {w.lower() for w in content_words(plan.question)}
    for t in topics(finding_list, asked, texts)[:2]:
        out.append(f"What else do other sources report about {t}?")
    if verdict and verdict.label in ("mixed", "refuted", "supported") and not plan.is_open:
        out.append(f"Which sources dispute that {in_sentence(plan.claim)}?"
                   if verdict.label == "supported" else f"What evidence would settle whether {in_sentence(plan.claim)}?")
    if newest:
        out.append(f"What has been reported on this since {newest}?")
    out.append(f"Which primary documents (records, rulings, statements) bear on “{plan.question}”?")
    if len(out) < 2:
        out.append(f"Which other sources report on “{plan.question}”, and do they agree with these?")
    return list(dict.fromkeys(out))[:5]
