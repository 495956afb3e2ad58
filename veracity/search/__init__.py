"""Passages for a query: lexical (BM25 over FTS5), dense (MiniLM), fused by reciprocal rank."""

from __future__ import annotations

from collections import defaultdict

from ..types import Hit

RRF_K = 60


def fuse(rankings: list[list[int]], k: int = RRF_K) -> list[tuple[int, float]]:
    """Reciprocal rank fusion of several ranked id lists; ties broken by id."""
    scores: dict[int, float] = defaultdict(float)
    for ranking in rankings:
        for rank, pid in enumerate(ranking):
            scores[pid] += 1.0 / (k + rank + 1)
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


def hybrid(store, embedder, query: str, limit: int, *, mode: str = "hybrid", vector=None) -> list[Hit]:
    """Search one query. mode is hybrid, lexical or dense."""
    lexical = store.lexical(query, limit) if mode in ("hybrid", "lexical") else []
    dense = []
    if mode in ("hybrid", "dense"):
        vec = vector if vector is not None else embedder.embed([query])[0]
        dense = store.dense(vec, limit)
    lexical_rank = {pid: r for r, (pid, _) in enumerate(lexical, 1)}
    dense_rank = {pid: r for r, (pid, _) in enumerate(dense, 1)}
    fused = fuse([[pid for pid, _ in lexical], [pid for pid, _ in dense]])[:limit]
    passages = store.passages([pid for pid, _ in fused])
    documents = store.documents(sorted({p.document_id for p in passages.values()}))
    return [Hit(passage=passages[pid], document=documents[passages[pid].document_id], score=score,
                lexical_rank=lexical_rank.get(pid), dense_rank=dense_rank.get(pid))
            for pid, score in fused if pid in passages]
