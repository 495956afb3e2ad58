"""The PostgreSQL store's web archive (migration m004_web_snapshots), as the SQLite store keeps it: search
responses, page snapshots stored once per content hash, each fetch of a URL, what each web check used, and
the searches restricted to some documents that `check --web-only` needs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

import numpy as np

from .base import SavedSearch, Snapshot

SNAPSHOT_COLUMNS = ("f.url, f.final_url, f.status, f.headers, s.content_type, s.content_hash, s.text, s.title, "
                    "s.author, s.publisher, s.published, f.fetched_at, f.etag, f.last_modified, s.document_id, f.id")


def _snapshot(row: Any) -> Snapshot:
    return Snapshot(url=row[0], final_url=row[1], status=row[2], headers=row[3], content_type=row[4],
                    content_hash=row[5], text=row[6], title=row[7], author=row[8], publisher=row[9],
                    published=row[10], fetched_at=row[11], etag=row[12], last_modified=row[13], document_id=row[14],
                    id=int(row[15]))


class PostgresWebArchive:
    """Mixed into PostgresStore, which supplies the connection context managers and `lexical`."""

    dimension: int

    _db: Callable[[], AbstractContextManager[Any]]  # supplied by PostgresStore
    _transaction: Callable[[], AbstractContextManager[Any]]
    lexical: Callable[..., list[tuple[int, float]]]

    def save_search(self, provider: str, query: str, max_results: int, response: dict[str, Any],
                    fetched_at: str) -> int:
        from psycopg.types.json import Jsonb

        with self._db() as db:
            row = db.execute("INSERT INTO web_searches (provider, query, max_results, response, fetched_at) "
                             "VALUES (%s, %s, %s, %s, %s) RETURNING id",
                             (provider, query, max_results, Jsonb(response), fetched_at)).fetchone()
        return int(row[0])

    def _searches(self, where: str, args: list[Any]) -> Iterator[SavedSearch]:
        with self._db() as db:
            rows = db.execute("SELECT id, provider, query, max_results, response, fetched_at FROM web_searches "
                              + where, args).fetchall()
        for r in rows:
            yield SavedSearch(id=int(r[0]), provider=r[1], query=r[2], max_results=r[3], response=r[4],
                              fetched_at=r[5])

    def cached_search(self, provider: str, query: str, max_results: int, since: str) -> SavedSearch | None:
        return next(self._searches("WHERE provider=%s AND query=%s AND max_results=%s AND fetched_at>=%s "
                                   "ORDER BY fetched_at DESC, id DESC LIMIT 1", [provider, query, max_results, since]),
                    None)

    def searches(self, ids: list[int]) -> list[SavedSearch]:
        found = {s.id: s for s in self._searches("WHERE id = ANY(%s)", [list(ids)])} if ids else {}
        return [found[i] for i in ids if i in found]

    def save_snapshot(self, snapshot: Snapshot) -> int:
        from psycopg.types.json import Jsonb

        with self._transaction() as db:
            snapshot_id = db.execute(
                "INSERT INTO web_snapshots (content_hash, content_type, text, title, author, publisher, published, "
                "document_id) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (content_hash) DO UPDATE SET "
                "document_id=COALESCE(excluded.document_id, web_snapshots.document_id) RETURNING id",
                (snapshot.content_hash, snapshot.content_type, snapshot.text, snapshot.title, snapshot.author,
                 snapshot.publisher, snapshot.published, snapshot.document_id)).fetchone()[0]
            row = db.execute(
                "INSERT INTO web_fetches (url, final_url, status, headers, etag, last_modified, fetched_at, "
                "snapshot_id) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
                (snapshot.url, snapshot.final_url, snapshot.status, Jsonb(snapshot.headers), snapshot.etag,
                 snapshot.last_modified, snapshot.fetched_at, snapshot_id)).fetchone()
        return int(row[0])

    def snapshots(self, ids: list[int]) -> list[Snapshot]:
        if not ids:
            return []
        with self._db() as db:
            rows = db.execute(f"SELECT {SNAPSHOT_COLUMNS} FROM web_fetches f JOIN web_snapshots s ON "
                              f"s.id = f.snapshot_id WHERE f.id = ANY(%s)", (list(ids),)).fetchall()
        found = {int(r[15]): _snapshot(r) for r in rows}
        return [found[i] for i in ids if i in found]

    def latest_snapshot(self, url: str) -> Snapshot | None:
        with self._db() as db:
            row = db.execute(f"SELECT {SNAPSHOT_COLUMNS} FROM web_fetches f JOIN web_snapshots s ON "
                             "s.id = f.snapshot_id WHERE f.url=%s ORDER BY f.fetched_at DESC, f.id DESC LIMIT 1",
                             (url,)).fetchone()
        return _snapshot(row) if row else None

    def document_ids(self, content_hashes: list[str]) -> dict[str, int]:
        if not content_hashes:
            return {}
        with self._db() as db:
            rows = db.execute("SELECT content_hash, id FROM documents WHERE content_hash = ANY(%s)",
                              (list(content_hashes),)).fetchall()
        return {r[0]: int(r[1]) for r in rows}

    def save_web_run(self, check_id: str, record: dict[str, Any]) -> None:
        from psycopg.types.json import Jsonb

        with self._db() as db:
            db.execute("INSERT INTO web_runs (check_id, record) VALUES (%s, %s) ON CONFLICT (check_id) DO UPDATE "
                       "SET record=excluded.record", (check_id, Jsonb(record)))

    def web_run(self, check_id: str) -> dict[str, Any] | None:
        with self._db() as db:
            row = db.execute("SELECT record FROM web_runs WHERE check_id=%s", (check_id,)).fetchone()
        return dict(row[0]) if row else None

    def saved_search_id(self, provider: str, query: str, max_results: int, fetched_at: str) -> int | None:
        with self._db() as db:
            row = db.execute("SELECT min(id) FROM web_searches WHERE provider=%s AND query=%s AND max_results=%s "
                             "AND fetched_at=%s", (provider, query, max_results, fetched_at)).fetchone()
        return int(row[0]) if row[0] is not None else None

    def fetch_id(self, url: str, fetched_at: str, content_hash: str) -> int | None:
        with self._db() as db:
            row = db.execute("SELECT min(f.id) FROM web_fetches f JOIN web_snapshots s ON s.id = f.snapshot_id "
                             "WHERE f.url=%s AND f.fetched_at=%s AND s.content_hash=%s",
                             (url, fetched_at, content_hash)).fetchone()
        return int(row[0]) if row[0] is not None else None

    def scope_lexical(self, query: str, limit: int, document_ids: list[int]) -> list[tuple[int, float]]:
        if not document_ids:
            return []
        return self.lexical(query, limit, exhaustive=True, document_ids=document_ids)

    def scope_vectors(self, document_ids: list[int]) -> tuple[np.ndarray, np.ndarray]:
        with self._db() as db:
            rows = db.execute("SELECT id, vector FROM passages WHERE document_id = ANY(%s) ORDER BY id",
                              (list(document_ids),)).fetchall()
        ids = np.array([r[0] for r in rows], dtype=np.int64)
        matrix = (np.array([r[1].to_numpy() for r in rows], dtype=np.float32).reshape(len(rows), self.dimension)
                  if rows else np.zeros((0, self.dimension), dtype=np.float32))
        return ids, matrix
