"""gather: retrieve for every query, fuse across queries, and fetch what select needs of the passages."""

from __future__ import annotations

from ..embed import Embedder
from ..search import fuse, hybrid
from ..store.base import Store
from ..text import content_words, without_possessive
from ..types import Gathered, Hit, Plan


def gather(plan: Plan, *, store: Store, embedder: Embedder, per_query: int, keep: int = 40) -> Gathered:
    vectors = embedder.embed(list(plan.queries))
    runs = [hybrid(store, embedder, q, per_query, vector=v) for q, v in zip(plan.queries, vectors)]
    by_id = {h.passage.id: h for run in runs for h in run}
    fused = fuse([[h.passage.id for h in run] for run in runs])[:keep]
    hits = tuple(Hit(passage=by_id[pid].passage, document=by_id[pid].document, score=score)
                 for pid, score in fused)
    return Gathered(hits=hits, query_vectors=vectors,
                    sentence_vectors=store.sentence_vectors([h.passage.id for h in hits]),
                    documents_searched=store.counts()["documents"], unmatched=unmatched(" ".join((plan.claim, *plan.entities)), store))


def unmatched(claim: str, store: Store) -> tuple[str, ...]:
    """The words (of the claim and its names) that no stored passage has at all: a report that finds nothing
    names them, and no other word."""
    words = dict.fromkeys(without_possessive(w) for w in content_words(claim))
    return tuple(w for w in words if not store.lexical(w, 1))
