"""gather: retrieve for every query, fuse across queries, and group passages by document."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..search import fuse, hybrid
from ..types import Hit, Plan


@dataclass(frozen=True)
class Gathered:
    hits: tuple[Hit, ...]
    query_vectors: np.ndarray


def gather(plan: Plan, *, store, embedder, per_query: int, keep: int = 40) -> Gathered:
    vectors = embedder.embed(list(plan.queries))
    runs = [hybrid(store, embedder, q, per_query, vector=v) for q, v in zip(plan.queries, vectors)]
    by_id = {h.passage.id: h for run in runs for h in run}
    fused = fuse([[h.passage.id for h in run] for run in runs])[:keep]
    hits = tuple(Hit(passage=by_id[pid].passage, document=by_id[pid].document, score=score)
                 for pid, score in fused)
    return Gathered(hits=hits, query_vectors=vectors)
