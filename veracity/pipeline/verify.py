"""verify: every sentence must rest on its citations; a sentence that does not is dropped and recorded.

In extractive mode a sentence is supported when each of its evidence quotes is exactly the cited
document's text at [start, end) and every citation number names a source of the report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..stance import StanceModel
from ..text import entities, words
from ..types import CitedText, Document, Evidence, EvidenceRef, Failure, Finding, Sentence, Source


def verify(finding_list: list[Finding], sources: dict[int, Source],
           documents: dict[int, Document]) -> tuple[list[Finding], list[Failure]]:
    by_number = {s.id: s for s in sources.values()}
    kept: list[Finding] = []
    failures: list[Failure] = []
    for f in finding_list:
        sentences = []
        for s in f.sentences:
            ok = bool(s.citations) and all(n in by_number for n in s.citations) and all(
                e.source in by_number and documents[by_number[e.source].document_id].text[e.start:e.end] == e.quote
                for e in s.evidence) and all(s.text in e.quote or e.quote in s.text for e in s.evidence)
            if ok:
                sentences.append(replace(s, support=1.0))
            else:
                failures.append(Failure("verify", f"dropped a sentence not supported by its citation: {s.text[:80]!r}"))
        if sentences:
            kept.append(replace(f, sentences=tuple(sentences)))
    return kept, failures


# --- LLM mode: a written sentence against the passages it cites ---------------------------------------------

CITATION = re.compile(r"\s*\[(\d+(?:\s*[,;]\s*\d+)*)\]")
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
MONTHS = frozenset("january february march april may june july august september october november december".split())


def citations_of(text: str) -> tuple[str, tuple[int, ...]]:
    """("Chicago sent the records.", (1, 3)) for "Chicago sent the records [1][3]." (markers removed)."""
    numbers = tuple(dict.fromkeys(int(n) for group in CITATION.findall(text) for n in re.split(r"[,;]", group)))
    clean = CITATION.sub("", text).strip()
    return re.sub(r"\s+([.,;:!?])", r"\1", clean), numbers


def facts(text: str) -> list[str]:
    """What must appear verbatim in the cited passages: numbers, dates, months and names."""
    numbers = [n.rstrip(".,") for n in NUMBER.findall(text)]
    names = [n for n in entities(text) if n]
    months = [w for w in words(text) if w.lower() in MONTHS]
    return list(dict.fromkeys(numbers + names + months))


def _normal(text: str) -> str:
    return re.sub(r"(?<=\d),(?=\d{3})", "", text).lower()


def missing_facts(text: str, evidence: str) -> list[str]:
    """The facts of `text` that `evidence` lacks; a name counts as present when each of its words is."""
    haystack = _normal(evidence)
    missing = []
    for fact in facts(text):
        parts = [_normal(w) for w in fact.split()] if not fact[0].isdigit() else [_normal(fact)]
        if not all(re.search(rf"(?<![\w]){re.escape(p)}", haystack) for p in parts):
            missing.append(fact)
    return missing


@dataclass(frozen=True)
class Checked:
    text: str  # without the [n] markers
    citations: tuple[int, ...]
    support: float  # p(supports) of the best premise among the cited passages, 0 when none could be checked
    evidence: tuple[EvidenceRef, ...]  # every cited sentence, in citation order
    problem: str | None  # why it fails, or None


def check_written(text: str, quotes: dict[int, list[Evidence]], stance_model: StanceModel,
                  threshold: float) -> Checked:
    """quotes: the evidence sentences of each source number. A sentence passes when it cites only real
    sources, every number, date and name in it is in the cited passages, and the stance model finds that
    the cited passages support it (p(supports) >= threshold, from one passage or all of them together)."""
    clean, numbers = citations_of(text)
    if not numbers:
        return Checked(clean, (), 0.0, (), "it cites no source")
    unknown = [n for n in numbers if n not in quotes]
    if unknown:
        return Checked(clean, numbers, 0.0, (), f"it cites [{unknown[0]}], which is not a source of this report")
    cited = [e for n in numbers for e in quotes[n]]
    premises = [e.quote for e in cited] + ([" ".join(e.quote for e in cited)] if len(cited) > 1 else [])
    stances = stance_model.score(clean, premises)
    supports = [s.scores["supports"] for s in stances]
    support = round(max(supports), 4)
    refs = tuple(EvidenceRef(source=n, quote=e.quote, start=e.start, end=e.end, stance=e.stance)
                 for n in numbers for e in quotes[n])  # in citation order, so a re-check sees the same premises
    missing = missing_facts(clean, " ".join(e.quote for e in cited))
    if missing:
        return Checked(clean, numbers, support, refs, f"“{missing[0]}” is not in the cited passages")
    if support < threshold:
        return Checked(clean, numbers, support, refs,
                       f"the cited passages do not support it (support {support:.2f}, needs {threshold:.2f})")
    return Checked(clean, numbers, support, refs, None)


def verify_cited(text: CitedText, sources: dict[int, Source], documents: dict[int, Document]
                 ) -> tuple[CitedText, list[Failure]]:
    """A summary told sentence by sentence: each quote must be its cited document's text at its offsets, as a
    finding's; one that is not is dropped with the frame words just before it ("However,"), and recorded. Frame
    sentences are veracity's own words and cite nothing."""
    if not text.sentences:
        return text, []
    checked, failures = verify([Finding(heading="", sentences=tuple(s for s in text.sentences if s.role != "frame"))],
                               sources, documents)
    good = {(s.text, s.citations) for f in checked for s in f.sentences}
    kept: list[Sentence] = []
    for s in text.sentences:
        if s.role == "frame" or (s.text, s.citations) in good:
            kept.append(s if s.role == "frame" else replace(s, support=1.0))
        elif kept and kept[-1].role == "frame" and len(kept) > 1:
            kept.pop()  # the contrast word that led into it
    while kept and kept[-1].role == "frame" and len(kept) > 1:
        kept.pop()
    return replace(text, text=" ".join(s.text for s in kept), sentences=tuple(kept),
                   citations=tuple(dict.fromkeys(n for s in kept for n in s.citations))), failures
