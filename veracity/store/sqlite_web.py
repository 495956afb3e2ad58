"""The SQLite store's searches restricted to some documents, which `check --web-only` needs (the rest of the
web archive is shared: store/web.py)."""

from __future__ import annotations

import sqlite3

import numpy as np

from .sqlite_fts import fts_query
from .web import SqlWebArchive


class SqliteScope(SqlWebArchive):
    db: sqlite3.Connection
    dimension: int

    def scope_lexical(self, query: str, limit: int, document_ids: list[int]) -> list[tuple[int, float]]:
        match = fts_query(query)
        if not match or not document_ids:
            return []
        rows = self.db.execute(
            "SELECT rowid, -bm25(passages_fts) AS score FROM passages_fts WHERE passages_fts MATCH ? AND rowid IN "
            f"(SELECT id FROM passages WHERE document_id IN ({','.join('?' * len(document_ids))}))"
            " ORDER BY bm25(passages_fts), rowid LIMIT ?", (match, *document_ids, limit)).fetchall()
        return [(int(r[0]), float(r[1])) for r in rows]

    def scope_vectors(self, document_ids: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """(passage ids, their vectors) of these documents."""
        rows = self.db.execute(f"SELECT id, vector FROM passages WHERE document_id IN "
                               f"({','.join('?' * len(document_ids))}) ORDER BY id", list(document_ids)).fetchall()
        ids = np.array([r[0] for r in rows], dtype=np.int64)
        matrix = (np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32).reshape(len(rows), self.dimension)
                  if rows else np.zeros((0, self.dimension), dtype=np.float32))
        return ids, matrix
