"""Passages for a query: lexical (BM25 over FTS5, title and text), dense (MiniLM), fused by a convex combination.

Hybrid score = 0.5 * lexical + 0.5 * dense, each min-max normalised over the query's top `limit` passages
(a passage missing from one list gets 0 there); lexical and dense alone are min-max normalised the same way, so
in every mode a score runs from 0 to 1 and the best passage of the search scores 1. Equal weights, not tuned. On SciFact and CheckThat! 2A this
beat reciprocal rank fusion (nDCG@10 0.713 vs 0.692, MAP@5 0.913 vs 0.899, `veracity eval retrieval`);
those are the same test sets that are reported, so read the gain as measured on them, not held out.
Reciprocal rank fusion (`fuse`) still merges the runs of several queries in gather."""

from __future__ import annotations

from collections import defaultdict
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING

import numpy as np

from ..types import Hit

if TYPE_CHECKING:
    from ..embed import Embedder
    from ..store.base import Store

RRF_K = 60
# runs the dense query of a hybrid search beside the lexical one, for stores with concurrent_search (threads
# are started as searches need them: one per search running at once, up to 8)
_DENSE = ThreadPoolExecutor(max_workers=8, thread_name_prefix="veracity-dense")


def fuse(rankings: list[list[int]], k: int = RRF_K) -> list[tuple[int, float]]:
    """Reciprocal rank fusion of several ranked id lists; ties broken by id."""
    scores: dict[int, float] = defaultdict(float)
    for ranking in rankings:
        for rank, pid in enumerate(ranking):
            scores[pid] += 1.0 / (k + rank + 1)
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


def convex(runs: list[list[tuple[int, float]]]) -> list[tuple[int, float]]:
    """Equal-weight sum of min-max normalised scores of several (id, score) lists; ties broken by id."""
    scores: dict[int, float] = defaultdict(float)
    for run in runs:
        if not run:
            continue
        values = [v for _, v in run]
        low, high = min(values), max(values)
        for pid, value in run:
            scores[pid] += ((value - low) / (high - low) if high > low else 1.0) / len(runs)
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


def hybrid(store: Store, embedder: Embedder, query: str, limit: int, *, mode: str = "hybrid",
           vector: np.ndarray | None = None) -> list[Hit]:
    """Search one query. mode is hybrid, lexical or dense. Where the store allows it (concurrent_search), the
    dense query runs in a second thread while the lexical one runs here."""
    dense: list[tuple[int, float]] = []
    pending: Future[list[tuple[int, float]]] | None = None
    if mode in ("hybrid", "dense"):
        vec = vector if vector is not None else embedder.embed([query])[0]
        if mode == "hybrid" and store.concurrent_search:
            pending = _DENSE.submit(store.dense, vec, limit)
        else:
            dense = store.dense(vec, limit)
    lexical = store.lexical(query, limit) if mode in ("hybrid", "lexical") else []
    if pending is not None:
        dense = pending.result()
    lexical_rank = {pid: r for r, (pid, _) in enumerate(lexical, 1)}
    dense_rank = {pid: r for r, (pid, _) in enumerate(dense, 1)}
    # only the runs the mode asked for: in every mode the best passage scores 1.0 (a mode's missing run would
    # otherwise count as 0 and halve every score)
    fused = convex([lexical, dense] if mode == "hybrid" else [lexical] if mode == "lexical" else [dense])[:limit]
    # hybrid: the best passage of the search scores 1 also when the two runs' leaders differ, or one run is empty
    # (their mean would put it below 1, at 0.5 when lexical finds nothing); the order is unchanged
    top = fused[0][1] if fused else 0.0
    if 0.0 < top < 1.0:
        fused = [(pid, score / top) for pid, score in fused]
    passages = store.passages([pid for pid, _ in fused])
    documents = store.documents(sorted({p.document_id for p in passages.values()}))
    return [Hit(passage=passages[pid], document=documents[passages[pid].document_id], score=score,
                lexical_rank=lexical_rank.get(pid), dense_rank=dense_rank.get(pid))
            for pid, score in fused if pid in passages]
