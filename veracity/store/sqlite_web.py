"""The SQLite store's web archive (migration m003): search responses, page snapshots, web runs, and the
searches restricted to some documents that `check --web-only` needs."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

import numpy as np

from .base import SavedSearch, Snapshot
from .sqlite_fts import fts_query

SNAPSHOT_COLUMNS = ("f.url, f.final_url, f.status, f.headers, s.content_type, s.content_hash, s.text, s.title, "
                    "s.author, s.publisher, s.published, f.fetched_at, f.etag, f.last_modified, s.document_id, f.id")


def _snapshot(row: tuple[Any, ...]) -> Snapshot:
    return Snapshot(url=row[0], final_url=row[1], status=row[2], headers=json.loads(row[3]), content_type=row[4],
                    content_hash=row[5], text=row[6], title=row[7], author=row[8], publisher=row[9],
                    published=row[10], fetched_at=row[11], etag=row[12], last_modified=row[13], document_id=row[14],
                    id=row[15])


class SqliteWebArchive:
    db: sqlite3.Connection
    dimension: int

    _transaction: Callable[[], AbstractContextManager[None]]  # provided by SqliteStore
    _writable: Callable[[], None]

    def save_search(self, provider: str, query: str, max_results: int, response: dict[str, Any],
                    fetched_at: str) -> int:
        self._writable()
        with self._transaction():
            cur = self.db.execute("INSERT INTO web_searches (provider, query, max_results, response, fetched_at) "
                                  "VALUES (?, ?, ?, ?, ?)",
                                  (provider, query, max_results, json.dumps(response, ensure_ascii=False), fetched_at))
        return int(cur.lastrowid or 0)

    def _searches(self, where: str, args: list[Any]) -> Iterator[SavedSearch]:
        for r in self.db.execute("SELECT id, provider, query, max_results, response, fetched_at FROM web_searches "
                                 + where, args):
            yield SavedSearch(id=r[0], provider=r[1], query=r[2], max_results=r[3], response=json.loads(r[4]),
                              fetched_at=r[5])

    def cached_search(self, provider: str, query: str, max_results: int, since: str) -> SavedSearch | None:
        return next(self._searches("WHERE provider=? AND query=? AND max_results=? AND fetched_at>=? "
                                   "ORDER BY fetched_at DESC, id DESC LIMIT 1", [provider, query, max_results, since]),
                    None)

    def searches(self, ids: list[int]) -> list[SavedSearch]:
        found = {s.id: s for s in self._searches(f"WHERE id IN ({','.join('?' * len(ids))})", list(ids))} if ids else {}
        return [found[i] for i in ids if i in found]

    def save_snapshot(self, snapshot: Snapshot) -> int:
        self._writable()
        with self._transaction():
            self.db.execute(
                "INSERT INTO web_snapshots (content_hash, content_type, text, title, author, publisher, published, "
                "document_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(content_hash) DO UPDATE SET "
                "document_id=COALESCE(excluded.document_id, web_snapshots.document_id)",
                (snapshot.content_hash, snapshot.content_type, snapshot.text, snapshot.title, snapshot.author,
                 snapshot.publisher, snapshot.published, snapshot.document_id))
            snapshot_id = self.db.execute("SELECT id FROM web_snapshots WHERE content_hash=?",
                                          (snapshot.content_hash,)).fetchone()[0]
            cur = self.db.execute(
                "INSERT INTO web_fetches (url, final_url, status, headers, etag, last_modified, fetched_at, "
                "snapshot_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (snapshot.url, snapshot.final_url, snapshot.status, json.dumps(snapshot.headers, ensure_ascii=False),
                 snapshot.etag, snapshot.last_modified, snapshot.fetched_at, snapshot_id))
        return int(cur.lastrowid or 0)

    def snapshots(self, ids: list[int]) -> list[Snapshot]:
        if not ids:
            return []
        rows = self.db.execute(f"SELECT {SNAPSHOT_COLUMNS} FROM web_fetches f JOIN web_snapshots s ON "
                               f"s.id = f.snapshot_id WHERE f.id IN ({','.join('?' * len(ids))})", list(ids)).fetchall()
        found = {r[15]: _snapshot(r) for r in rows}
        return [found[i] for i in ids if i in found]

    def latest_snapshot(self, url: str) -> Snapshot | None:
        row = self.db.execute(f"SELECT {SNAPSHOT_COLUMNS} FROM web_fetches f JOIN web_snapshots s ON "
                              "s.id = f.snapshot_id WHERE f.url=? ORDER BY f.fetched_at DESC, f.id DESC LIMIT 1",
                              (url,)).fetchone()
        return _snapshot(row) if row else None

    def document_ids(self, content_hashes: list[str]) -> dict[str, int]:
        if not content_hashes:
            return {}
        rows = self.db.execute(f"SELECT content_hash, id FROM documents WHERE content_hash IN "
                               f"({','.join('?' * len(content_hashes))})", list(content_hashes)).fetchall()
        return {r[0]: int(r[1]) for r in rows}

    def save_web_run(self, check_id: str, record: dict[str, Any]) -> None:
        self._writable()
        with self._transaction():
            self.db.execute("INSERT OR REPLACE INTO web_runs (check_id, record) VALUES (?, ?)",
                            (check_id, json.dumps(record, ensure_ascii=False)))

    def web_run(self, check_id: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT record FROM web_runs WHERE check_id=?", (check_id,)).fetchone()
        return json.loads(row[0]) if row else None

    def saved_search_id(self, provider: str, query: str, max_results: int, fetched_at: str) -> int | None:
        row = self.db.execute("SELECT min(id) FROM web_searches WHERE provider=? AND query=? AND max_results=? AND "
                              "fetched_at=?", (provider, query, max_results, fetched_at)).fetchone()
        return int(row[0]) if row[0] is not None else None

    def fetch_id(self, url: str, fetched_at: str, content_hash: str) -> int | None:
        row = self.db.execute("SELECT min(f.id) FROM web_fetches f JOIN web_snapshots s ON s.id = f.snapshot_id "
                              "WHERE f.url=? AND f.fetched_at=? AND s.content_hash=?",
                              (url, fetched_at, content_hash)).fetchone()
        return int(row[0]) if row[0] is not None else None

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
        rows = self.db.execute(f"SELECT id, vector FROM passages WHERE document_id IN "
                               f"({','.join('?' * len(document_ids))}) ORDER BY id", list(document_ids)).fetchall()
        ids = np.array([r[0] for r in rows], dtype=np.int64)
        matrix = (np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32).reshape(len(rows), self.dimension)
                  if rows else np.zeros((0, self.dimension), dtype=np.float32))
        return ids, matrix
