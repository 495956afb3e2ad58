"""The web archive both stores keep (store.base.WebArchive; migration m004_web_snapshots in each): search
responses (cache and replay), page snapshots stored once per content hash, each fetch of a URL, and what each
web check used (for `check --replay`). The searches restricted to some documents (`scope_lexical`,
`scope_vectors`, for `check --web-only`) search the way each store searches, so each store has its own."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Any

from .base import SavedSearch, Snapshot
from .sql import Dialect, Session

SNAPSHOT_COLUMNS = ("f.url, f.final_url, f.status, f.headers, s.content_type, s.content_hash, s.text, s.title, "
                    "s.author, s.publisher, s.published, f.fetched_at, f.etag, f.last_modified, s.document_id, f.id")
SEARCH_COLUMNS = "id, provider, query, max_results, response, fetched_at"


class SqlWebArchive:
    """Mixed into a store, which supplies its dialect, `_fetch` and `_writing` (see sql.SqlCore)."""

    dialect: Dialect
    _writing: Callable[[], AbstractContextManager[Session]]
    _fetch: Callable[..., list[Any]]

    def _snapshot(self, row: Sequence[Any]) -> Snapshot:
        return Snapshot(url=row[0], final_url=row[1], status=row[2], headers=self.dialect.json_out(row[3]),
                        content_type=row[4], content_hash=row[5], text=row[6], title=row[7], author=row[8],
                        publisher=row[9], published=row[10], fetched_at=row[11], etag=row[12],
                        last_modified=row[13], document_id=row[14], id=int(row[15]))

    def _saved_search(self, row: Sequence[Any]) -> SavedSearch:
        return SavedSearch(id=int(row[0]), provider=row[1], query=row[2], max_results=row[3],
                           response=self.dialect.json_out(row[4]), fetched_at=row[5])

    def save_search(self, provider: str, query: str, max_results: int, response: dict[str, Any],
                    fetched_at: str) -> int:
        with self._writing() as db:
            return db.insert("INSERT INTO web_searches (provider, query, max_results, response, fetched_at) "
                             "VALUES (?, ?, ?, ?, ?)",
                             (provider, query, max_results, self.dialect.json_in(response), fetched_at))

    def cached_search(self, provider: str, query: str, max_results: int, since: str) -> SavedSearch | None:
        rows = self._fetch(f"SELECT {SEARCH_COLUMNS} FROM web_searches WHERE provider=? AND query=? AND "
                           "max_results=? AND fetched_at>=? ORDER BY fetched_at DESC, id DESC LIMIT 1",
                           (provider, query, max_results, since))
        return self._saved_search(rows[0]) if rows else None

    def searches(self, ids: list[int]) -> list[SavedSearch]:
        if not ids:
            return []
        where, args = self.dialect.any_of("id", ids)
        found = {s.id: s for s in map(self._saved_search, self._fetch(f"SELECT {SEARCH_COLUMNS} FROM web_searches "
                                                                f"WHERE {where}", args))}
        return [found[i] for i in ids if i in found]

    def save_snapshot(self, snapshot: Snapshot) -> int:
        """Record a fetch (its content once per content hash); returns the fetch id."""
        with self._writing() as db:
            db.execute(
                "INSERT INTO web_snapshots (content_hash, content_type, text, title, author, publisher, published, "
                "document_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (content_hash) DO UPDATE SET "
                "document_id=COALESCE(excluded.document_id, web_snapshots.document_id)",
                (snapshot.content_hash, snapshot.content_type, snapshot.text, snapshot.title, snapshot.author,
                 snapshot.publisher, snapshot.published, snapshot.document_id))
            snapshot_id = db.execute("SELECT id FROM web_snapshots WHERE content_hash=?",
                                     (snapshot.content_hash,)).fetchone()[0]
            return db.insert("INSERT INTO web_fetches (url, final_url, status, headers, etag, last_modified, "
                             "fetched_at, snapshot_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                             (snapshot.url, snapshot.final_url, snapshot.status, self.dialect.json_in(snapshot.headers),
                              snapshot.etag, snapshot.last_modified, snapshot.fetched_at, snapshot_id))

    def snapshots(self, ids: list[int]) -> list[Snapshot]:
        if not ids:
            return []
        where, args = self.dialect.any_of("f.id", ids)
        rows = self._fetch(f"SELECT {SNAPSHOT_COLUMNS} FROM web_fetches f JOIN web_snapshots s ON "
                           f"s.id = f.snapshot_id WHERE {where}", args)
        found = {int(r[15]): self._snapshot(r) for r in rows}
        return [found[i] for i in ids if i in found]

    def latest_snapshot(self, url: str) -> Snapshot | None:
        rows = self._fetch(f"SELECT {SNAPSHOT_COLUMNS} FROM web_fetches f JOIN web_snapshots s ON "
                           "s.id = f.snapshot_id WHERE f.url=? ORDER BY f.fetched_at DESC, f.id DESC LIMIT 1", (url,))
        return self._snapshot(rows[0]) if rows else None

    def save_web_run(self, check_id: str, record: dict[str, Any]) -> None:
        with self._writing() as db:
            db.execute("INSERT INTO web_runs (check_id, record) VALUES (?, ?) ON CONFLICT (check_id) DO UPDATE "
                       "SET record=excluded.record", (check_id, self.dialect.json_in(record)))

    def web_run(self, check_id: str) -> dict[str, Any] | None:
        rows = self._fetch("SELECT record FROM web_runs WHERE check_id=?", (check_id,))
        return dict(self.dialect.json_out(rows[0][0])) if rows else None

    def saved_search_id(self, provider: str, query: str, max_results: int, fetched_at: str) -> int | None:
        """The id of the search response saved with exactly these keys, if any (a rerun of `db copy`)."""
        rows = self._fetch("SELECT MIN(id) FROM web_searches WHERE provider=? AND query=? AND max_results=? AND "
                           "fetched_at=?", (provider, query, max_results, fetched_at))
        return int(rows[0][0]) if rows and rows[0][0] is not None else None

    def fetch_id(self, url: str, fetched_at: str, content_hash: str) -> int | None:
        """The id of the fetch of this URL at this time with this content, if any (a rerun of `db copy`)."""
        rows = self._fetch("SELECT MIN(f.id) FROM web_fetches f JOIN web_snapshots s ON s.id = f.snapshot_id "
                           "WHERE f.url=? AND f.fetched_at=? AND s.content_hash=?", (url, fetched_at, content_hash))
        return int(rows[0][0]) if rows and rows[0][0] is not None else None
