"""select: evidence sentences by relevance to the queries, then diversity (maximal marginal relevance)."""

from __future__ import annotations

import re
from ..text import words
from ..types import Candidate, Evidence, Gathered, Hit, Selection


JUDGE_POOL = 12  # the most relevant sentences the judge reads, whatever their document (pipeline/judge/direct.py)


def usable(sentence: str) -> bool:
    n = len(words(sentence))
    return 6 <= n <= 90 and sentence.rstrip()[-1:] in ".!?\"”’)'"


INSTRUCTION_LIKE = re.compile(
    r"\b(ignore|disregard|forget|override)\s+(all\s+|any\s+)?(your|previous|prior|earlier|above|the above|"
    r"preceding|the previous|those|these)\s+(\w+\s+)?(instructions?|prompts?|rules|directions|guidelines)\b"
    r"|\bsystem prompt\b|\byou are an? (ai|assistant|language model|chatbot)\b|\bas an ai\b"
    r"|(^|\band\b|[.;:!]\s)\s*(say|state|report|conclude|write|answer)\s+(that\s+)?the claim is "
    r"(true|false|correct|accurate|supported)",
    re.IGNORECASE)


def reads_as_instructions(sentence: str) -> bool:
    """A source sentence addressed to a language model (a prompt injection). It is never used as evidence."""
    return bool(INSTRUCTION_LIKE.search(sentence))


def instruction_sentences(hits: tuple[Hit, ...]) -> dict[tuple[int, int], str]:
    """(document id, sentence start) -> document title, for each gathered sentence that reads as instructions
    to a language model. select never uses these as evidence; the report names their documents."""
    return {(h.document.id, s.start): h.document.title for h in hits for s in h.passage.sentences
            if reads_as_instructions(h.document.text[s.start:s.end])}


def names_all(text: str, entities: tuple[str, ...]) -> bool:
    """Whether a document mentions every name of the question (any word of 3+ letters of each name)."""
    lowered = text.lower()
    return all(any(w.lower() in lowered for w in name.split() if len(w) >= 3) or len(name) < 3 for name in entities)


def in_time(evidence: Evidence, as_of: str | None) -> bool:
    """Evidence published after as_of is excluded; undated evidence is kept."""
    return as_of is None or evidence.document.published is None or evidence.document.published <= as_of


def candidates(gathered: Gathered, threshold: float, entities: tuple[str, ...] = (),
               injected: dict[tuple[int, int], str] | None = None) -> list[Candidate]:
    injected = instruction_sentences(gathered.hits) if injected is None else injected
    hits = [h for h in gathered.hits if names_all(h.document.text, entities)]
    found: list[Candidate] = []
    seen: set[tuple[int, int]] = set()
    for hit in hits:
        sv = gathered.sentence_vectors.get(hit.passage.id)
        if sv is None:
            continue
        relevance = (sv @ gathered.query_vectors.T).max(axis=1)
        for span, vec, rel in zip(hit.passage.sentences, sv, relevance):
            quote = hit.document.text[span.start:span.end]
            key = (hit.document.id, span.start)
            if rel < threshold or key in seen or key in injected or not usable(quote):
                continue
            seen.add(key)
            found.append(Candidate(Evidence(document=hit.document, start=span.start, end=span.end, quote=quote,
                                            relevance=round(float(rel), 4)), vec))
    found.sort(key=lambda c: (-c.evidence.relevance, c.evidence.document.id, c.evidence.start))
    return found


def select(gathered: Gathered, *, threshold: float, limit: int, per_document: int, mmr_lambda: float,
           entities: tuple[str, ...] = (), as_of: str | None = None) -> Selection:
    """At most `limit` evidence sentences by maximal marginal relevance, at most `per_document` from one
    document, from documents that name every entity; then those published after as_of are dropped."""
    injected = instruction_sentences(gathered.hits)
    found = candidates(gathered, threshold, entities, injected)
    pool = tuple(c for c in found if in_time(c.evidence, as_of))[:JUDGE_POOL]
    chosen = mmr(found, limit=limit, per_document=per_document, mmr_lambda=mmr_lambda)
    return Selection(candidates=tuple(c for c in chosen if in_time(c.evidence, as_of)),
                     injected_titles=tuple(dict.fromkeys(injected.values())), pool=pool)


def mmr(pool: list[Candidate], *, limit: int, per_document: int, mmr_lambda: float) -> list[Candidate]:
    chosen: list[Candidate] = []
    per_doc: dict[int, int] = {}
    while pool and len(chosen) < limit:
        best, best_score = None, -1e9
        for c in pool:
            if per_doc.get(c.evidence.document.id, 0) >= per_document:
                continue
            redundancy = max((float(c.vector @ s.vector) for s in chosen), default=0.0)
            if redundancy > 0.95:  # the same sentence in a syndicated copy
                continue
            score = mmr_lambda * c.evidence.relevance - (1 - mmr_lambda) * redundancy
            if score > best_score:
                best, best_score = c, score
        if best is None:
            break
        chosen.append(best)
        pool.remove(best)
        per_doc[best.evidence.document.id] = per_doc.get(best.evidence.document.id, 0) + 1
    return chosen
