"""A store seen through a set of documents: `check --web-only` runs the usual pipeline over the web pages it
gathered, and nothing else, while their ids stay those of the store they live in."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..store.base import Store, StoredReview, WebArchive


class ScopedStore:
    def __init__(self, store: Any, document_ids: list[int]) -> None:
        self.base: Store = store
        self.archive: WebArchive = store
        self.path = store.path
        self.document_ids = sorted(set(document_ids))
        self._ids, self._matrix = self.archive.scope_vectors(self.document_ids)

    def lexical(self, query: str, limit: int) -> list[tuple[int, float]]:
        return self.archive.scope_lexical(query, limit, self.document_ids)

    def dense(self, vector: np.ndarray, limit: int) -> list[tuple[int, float]]:
        if len(self._ids) == 0:
            return []
        scores = self._matrix @ vector.astype(np.float32)
        order = np.lexsort((self._ids, -scores))[:limit]
        return [(int(self._ids[i]), float(scores[i])) for i in order]

    def claim_reviews(self) -> list[StoredReview]:
        """Only the rulings read from the documents in scope (a --web-only check sees no local review)."""
        wanted = set(self.document_ids)
        return [r for r in self.base.claim_reviews() if r.document_id in wanted]

    def counts(self) -> dict[str, int]:
        documents = self.base.documents(self.document_ids)
        return {"documents": len(documents), "groups": len({d.group for d in documents.values()}),
                "passages": len(self._ids), "checks": self.base.counts()["checks"]}

    def __getattr__(self, name: str) -> Any:  # documents, passages, sentence_vectors ... as the store has them
        return getattr(self.base, name)
