"""select: evidence sentences by relevance to the queries, then diversity (maximal marginal relevance)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ..text import LEADING_FUNCTION_WORDS, STOPWORDS, distinctive, without_possessive, words
from ..types import Evidence
from .gather import Gathered


@dataclass(frozen=True)
class Candidate:
    evidence: Evidence
    vector: np.ndarray


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


def instruction_sentences(hits) -> dict[tuple[int, int], str]:
    """(document id, sentence start) -> document title, for each gathered sentence that reads as instructions
    to a language model. select never uses these as evidence; the report names their documents."""
    return {(h.document.id, s.start): h.document.title for h in hits for s in h.passage.sentences
            if reads_as_instructions(h.document.text[s.start:s.end])}


def names_all(text: str, entities: tuple[str, ...]) -> bool:
    """Whether a document mentions every name of the question (any word of 3+ letters of each name)."""
    lowered = text.lower()
    return all(any(w.lower() in lowered for w in name.split() if len(w) >= 3) or len(name) < 3 for name in entities)


NOT_NAMES = frozenset("several many most some few numerous multiple various recent new more less all both each every "
                      "other such only early late first last".split())


def leading_name(claim: str, entities: tuple[str, ...], store) -> str | None:
    """The claim's first word when it may be a name that a capital at the start of a sentence cannot reveal
    ("Denver cooperated with ICE"); the collection decides. It is a name to require when no stored passage has
    it at all (evidence could only be about something else), or when the passages that have it mostly write it
    with a capital in mid-sentence. Function words, quantifiers, -ed/-ing/-ly words and a word before "of" are
    never names here."""
    tokens = claim.split()
    word = re.sub(r"[^\w-]", "", without_possessive(tokens[0])) if tokens else ""
    if (len(word) < 3 or not word[0].isupper() or distinctive(word) or word.lower() in STOPWORDS
            or word.lower() in LEADING_FUNCTION_WORDS or word.lower() in NOT_NAMES
            or word.lower().endswith(("ed", "ing", "ly")) or any(word in e.split() for e in entities)
            or (len(tokens) > 1 and tokens[1].lower() == "of")):  # "Bits of ...", "Use of ...": a noun's head
        return None
    hits = store.lexical(word, 30)
    if not hits:
        return word
    mid = re.compile(rf"(?:\b[a-z]{{2,}}|,)[ \t]+((?i:{re.escape(word)}))\b")  # after a lower-case word or a comma
    capital = lower = 0
    for passage in store.passages([i for i, _ in hits]).values():
        for m in mid.finditer(passage.text):
            capital, lower = capital + m.group(1)[0].isupper(), lower + m.group(1)[0].islower()
    return word if capital >= 2 * max(lower, 1) else None


def candidates(gathered: Gathered, store, threshold: float, entities: tuple[str, ...] = (),
               injected: dict[tuple[int, int], str] | None = None) -> list[Candidate]:
    injected = instruction_sentences(gathered.hits) if injected is None else injected
    hits = [h for h in gathered.hits if names_all(h.document.text, entities)]
    gathered = Gathered(hits=tuple(hits), query_vectors=gathered.query_vectors)
    vectors = store.sentence_vectors([h.passage.id for h in gathered.hits])
    found: list[Candidate] = []
    seen: set[tuple[int, int]] = set()
    for hit in gathered.hits:
        sv = vectors.get(hit.passage.id)
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


def select(gathered: Gathered, store, *, threshold: float, limit: int, per_document: int,
           mmr_lambda: float, entities: tuple[str, ...] = (),
           injected: dict[tuple[int, int], str] | None = None) -> list[Candidate]:
    pool = candidates(gathered, store, threshold, entities, injected)
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
