"""The Store interface: everything the pipeline needs from a backend, and nothing more."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from ..types import Document, Passage, Span


@dataclass(frozen=True)
class NewDocument:
    title: str
    location: str
    publisher: str | None
    published: str | None
    content_hash: str
    text: str
    signature: np.ndarray
    passages: list[tuple[int, int, tuple[Span, ...]]]
    passage_vectors: np.ndarray
    sentence_vectors: list[np.ndarray]


@dataclass(frozen=True)
class CheckRecord:
    id: str
    question: str
    created_at: str
    verdict: str | None
    report_json: str


class Store(Protocol):
    path: str

    def vector_space(self, embedder: str) -> None:
        """Record the embedder of a new store; refuse an embedder other than the one that made its vectors."""

    def has_document(self, content_hash: str) -> bool: ...
    def add_document(self, doc: NewDocument, near_duplicate_jaccard: float) -> int: ...
    def add_documents(self, docs: list[NewDocument], near_duplicate_jaccard: float) -> list[int]: ...
    def documents(self, ids: list[int]) -> dict[int, Document]: ...
    def passages(self, ids: list[int]) -> dict[int, Passage]: ...
    def lexical(self, query: str, limit: int) -> list[tuple[int, float]]: ...
    def dense(self, vector: np.ndarray, limit: int) -> list[tuple[int, float]]: ...
    def sentence_vectors(self, passage_ids: list[int]) -> dict[int, np.ndarray]: ...
    def save_check(self, record: CheckRecord) -> None: ...
    def checks(self, limit: int) -> list[CheckRecord]: ...
    def check(self, check_id: str) -> CheckRecord: ...
    def counts(self) -> dict[str, int]: ...
    def close(self) -> None: ...
