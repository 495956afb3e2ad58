"""The default store: one SQLite file with FTS5 for lexical search and float32 blobs for dense search; at scale, a
vector graph and a BM25 top-k index beside the file, kept in step with it (sqlite_vectors.py, sqlite_lexical.py)."""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar


import numpy as np

from ..errors import InputError, StoreError
from ..text import UNSPACED
from . import sqlite_migrations
from .base import NewDocument, Schema
from .jobs import SqlJobs
from .sql import SQLITE, Session, SqlCore, check_dimensions, group_of, spans_json, write_document_extras
from .sqlite_fts import cjk_query, fts_query
from .sqlite_lexical import INDEX_MIN as LEXICAL_MIN
from .sqlite_lexical import LexicalIndex
from .sqlite_vectors import FOLD_AT, INDEX_MIN, VectorIndex
from .sqlite_web import SqliteScope

log = logging.getLogger("veracity.store")

T = TypeVar("T")
SQLITE_HEADER = b"SQLite format 3\x00"  # the first 16 bytes of every SQLite database file
DAMAGE = ("malformed", "not a database", "disk image", "corrupt")
INTEGRITY_BUDGET_S = 0.5  # the integrity check before the first write stops after this long (see integrity())


def damaged(path: str, exc: BaseException) -> StoreError:
    """The one-line error for a store whose file is damaged, saying how to recover."""
    what = " ".join(str(exc).replace("*** in database main ***", "").split())
    return StoreError(f"store {path} is damaged ({what}); veracity will not write to it. Recover what is readable "
                      f"with the sqlite3 shell: `sqlite3 {path} .recover | sqlite3 recovered.db`, then use "
                      "--db recovered.db (or ingest your files again into a new --db)", backend="sqlite")


def is_damage(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.DatabaseError) and any(word in str(exc).lower() for word in DAMAGE)


class _Cursor(sqlite3.Cursor):
    """A cursor that turns SQLite's report of a damaged file into one StoreError naming the file."""

    def _guard(self, call: Callable[..., T], *args: Any) -> T:
        try:
            return call(*args)
        except sqlite3.DatabaseError as exc:
            if is_damage(exc):
                raise damaged(getattr(self.connection, "path", "?"), exc) from exc
            raise

    def execute(self, sql: str, parameters: Any = (), /) -> _Cursor:
        self._guard(super().execute, sql, parameters)
        return self

    def executemany(self, sql: str, parameters: Any, /) -> _Cursor:
        self._guard(super().executemany, sql, parameters)
        return self

    def fetchone(self) -> Any:
        return self._guard(super().fetchone)

    def fetchmany(self, size: int | None = 1) -> list[Any]:
        return self._guard(super().fetchmany, size)

    def fetchall(self) -> list[Any]:
        return self._guard(super().fetchall)

    def __next__(self) -> Any:
        return self._guard(super().__next__)


class _Connection(sqlite3.Connection):
    """A connection whose execute() uses _Cursor; `path` names the store's file in errors."""

    path = ""

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        return self.cursor(_Cursor).execute(sql, parameters)

    def executemany(self, sql: str, parameters: Any, /) -> sqlite3.Cursor:
        return self.cursor(_Cursor).executemany(sql, parameters)


class SqliteStore(SqlCore, SqlJobs, SqliteScope):
    dialect = SQLITE
    concurrent_search = False  # one connection, used by the thread that opened it

    def __init__(self, path: str | os.PathLike[str], *, create: bool = True, dimension: int = 384,
                 index_min: int = INDEX_MIN, fold_at: int = FOLD_AT, lexical_min: int = LEXICAL_MIN) -> None:
        self.path = str(path)
        self.dimension = dimension
        self._applied_on_open: tuple[str, ...] = ()
        target = Path(path)
        if not target.parent.exists():
            raise InputError(f"store directory {target.parent} does not exist; create it or give another --db")
        if not target.exists() and not create:
            raise InputError(f"no store at {target}; run `veracity ingest` first or give another --db")
        self.read_only = target.exists() and not (target.stat().st_mode & stat.S_IWUSR and os.access(self.path, os.W_OK))
        if target.exists() and target.is_file() and target.stat().st_size > 0:
            with target.open("rb") as f:
                if f.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
                    raise StoreError(f"{self.path} is not a veracity store (not a SQLite database at all); give "
                                     "--db the path of a store veracity made, or of a new file", backend="sqlite")
        try:
            uri = f"file:{target.resolve()}?mode=ro" if self.read_only else f"file:{target.resolve()}"
            db = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False, factory=_Connection)
            db.path = self.path
            self.db: sqlite3.Connection = db
            # Unicode-aware lower case (SQLite's lower() folds ASCII only), for the service's history search
            db.create_function("casefold", 1, lambda t: t.casefold() if isinstance(t, str) else t, deterministic=True)
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.execute("PRAGMA busy_timeout = 5000")
            self._refuse_foreign()
            if not self.read_only:
                self._migrate()
            else:
                self._check_schema()
        except sqlite3.DatabaseError as exc:
            if is_damage(exc) and "not a database" not in str(exc):
                raise damaged(self.path, exc) from exc
            raise StoreError(f"cannot open store {self.path}: {exc}; is it a veracity store?", backend="sqlite") from exc
        # at scale, two indexes beside the store, kept in step with it: a memory-mapped vector graph
        # (sqlite_vectors.py) and a BM25 top-k index (sqlite_lexical.py). Each is a cache of the store
        self.vectors = VectorIndex(self.db, self.path, dimension, index_min=index_min, fold_at=fold_at)
        self.words = LexicalIndex(self.db, self.path, index_min=lexical_min)
        problems = [self.vectors.open(), self.words.open()]
        if any(problems) and not self.read_only:
            self._maintain_indexes()

    def _maintain_indexes(self) -> None:
        """Build, fold or extend the indexes beside the store after a commit. A failure to write one leaves
        searches exact (FTS5, or exact vectors) over what it lacks, and the next writer tries again."""
        for index in (self.vectors, self.words):
            try:
                index.maintain()
            except (OSError, RuntimeError, ValueError) as exc:
                log.warning("could not update the index %s (%s); searches stay exact over the passages it lacks",
                            index.path, exc)

    # -- schema -------------------------------------------------------------------------------
    def _refuse_foreign(self) -> None:
        """Refuse a SQLite database that holds tables but is not a veracity store, before anything is written to
        it (an empty database is a new store)."""
        tables = sorted(r[0] for r in self.db.execute("SELECT name FROM sqlite_master WHERE type IN ('table', "
                                                      "'view') AND name NOT LIKE 'sqlite_%'").fetchall())
        if tables and not {"meta", "documents"} <= set(tables):
            self.db.close()
            shown = ", ".join(tables[:3]) + (f" and {len(tables) - 3} more" if len(tables) > 3 else "")
            raise StoreError(f"{self.path} is a SQLite database but not a veracity store (it holds {shown}); "
                             "veracity will not write into it: give --db a store veracity made, or a new file",
                             backend="sqlite")

    def _migrate(self) -> None:
        if sqlite_migrations.pending(self.db):
            self._verify()
            with self._transaction():
                self._applied_on_open = tuple(sqlite_migrations.migrate(self.db))
        self._check_schema()

    def schema(self) -> Schema:
        return Schema(applied=tuple(sorted(sqlite_migrations.applied(self.db))),
                      applied_on_open=self._applied_on_open)

    def _check_schema(self) -> None:
        missing = [m.__name__ for m in sqlite_migrations.pending(self.db)]
        if missing:
            raise StoreError(f"store {self.path} lacks the schema migrations {', '.join(missing)}; open it once "
                             "writable (any veracity command) to upgrade it", backend="sqlite")
        row = self.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        if row is not None and int(row[0]) > sqlite_migrations.LATEST:
            raise StoreError(f"store {self.path} has schema {row[0]}, newer than this veracity reads "
                             f"({sqlite_migrations.LATEST}); upgrade veracity", backend="sqlite")

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK when the block raises. Every write goes through here, so the
        integrity check runs before the first one (documents, checks, jobs alike)."""
        if not self.read_only:
            self._verify()
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def _fetch(self, sql: str, params: Sequence[Any] = (), *, search: bool = False) -> list[Any]:
        return self.db.execute(sql, params).fetchall()

    def _may_write_meta(self) -> bool:
        return not self.read_only

    @contextmanager
    def _writing(self) -> Iterator[Session]:
        """A write transaction (the core's writes: checks, jobs, the web archive), refused on a read-only store;
        SQLite's errors become one-line StoreErrors."""
        self._writable()
        try:
            with self._transaction():
                yield Session(self.db, SQLITE)
        except sqlite3.DatabaseError as exc:
            raise self._write_error(exc) from exc

    def _write_error(self, exc: sqlite3.DatabaseError) -> StoreError:
        if is_damage(exc):
            return damaged(self.path, exc)
        if "readonly" in str(exc):
            return StoreError(f"store {self.path} is read-only; make it writable or give another --db",
                              backend="sqlite")
        return StoreError(f"cannot write to store {self.path}: {exc}", backend="sqlite")

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError(f"store {self.path} is read-only; make it writable or give another --db", backend="sqlite")
        self._verify()

    def integrity(self, budget_s: float = INTEGRITY_BUDGET_S) -> tuple[str | None, bool]:
        """(what is wrong, or None; whether the whole file was checked). Bounded in time: the file's length is
        compared with the page count the header gives (a truncated or extended file), then PRAGMA quick_check
        runs until budget_s has passed (here 0.5 s covers the whole of a store of about 60 MB: a full check of a
        1.5 GB store takes 12 to 14 s; benchmarks/integrity.py measures it). Damage in a part not reached is still caught when SQLite meets
        it: every write is one transaction, rolled back on any error."""
        if self.path != ":memory:" and Path(self.path).exists():
            pages = self.db.execute("PRAGMA page_count").fetchone()[0]
            size = self.db.execute("PRAGMA page_size").fetchone()[0]
            on_disk = Path(self.path).stat().st_size
            journal = self.db.execute("PRAGMA journal_mode").fetchone()[0]
            if journal != "wal" and on_disk != pages * size:
                return f"the file is {on_disk} bytes but its header counts {pages} pages of {size}", True
        # quick_check runs in one step of SQLite's VM, so a progress handler cannot stop it; interrupt() from a
        # timer can (and is a no-op if the check has already ended)
        timer = threading.Timer(max(budget_s, 0.0), self.db.interrupt)
        timer.start()
        try:
            rows = self.db.execute("PRAGMA quick_check(1)").fetchall()
        except StoreError as exc:
            return str(exc.__cause__), True
        except sqlite3.OperationalError as exc:
            if "interrupt" not in str(exc):
                raise
            return None, False
        finally:
            timer.cancel()
            timer.join()
        return (None if rows and rows[0][0] == "ok" else "; ".join(str(r[0]) for r in rows)), True

    def _verify(self) -> None:
        """Refuse to write into a damaged store: the integrity check runs once, before this Store's first write."""
        if getattr(self, "_verified", False):
            return
        problem, _ = self.integrity()
        if problem:
            raise damaged(self.path, Exception(problem))
        self._verified = True

    # -- documents ----------------------------------------------------------------------------
    def add_documents(self, docs: list[NewDocument], near_duplicate_jaccard: float) -> list[int | None]:
        """Insert documents in one transaction: all of them are written, or none (a rerun adds the rest).
        The id of each, or None for one already stored (by another process since the caller last looked)."""
        check_dimensions(docs, self.dimension, "sqlite")
        try:
            with self._writing() as db:
                ids = [self._insert(db, doc, near_duplicate_jaccard) for doc in docs]
        finally:
            self.vectors.written()  # committed or not, the next search reads what the store now holds
            self.words.written()
        if any(i is not None for i in ids):
            self._maintain_indexes()
        return ids

    def _insert(self, db: Session, doc: NewDocument, near_duplicate_jaccard: float) -> int | None:
        if self.has_document(doc.content_hash):  # inside the write lock: another process may have added it
            return None
        group = group_of(db, doc, near_duplicate_jaccard)
        cur = self.db.execute(
            "INSERT INTO documents (content_hash, title, location, publisher, published, grp, text, signature)"
            " VALUES (?, ?, ?, ?, ?, COALESCE(?, (SELECT COALESCE(MAX(grp), 0) + 1 FROM documents)), ?, ?)",
            (doc.content_hash, doc.title, doc.location, doc.publisher, doc.published, group, doc.text,
             doc.signature.astype(np.uint64).tobytes()))
        doc_id = int(cur.lastrowid or 0)
        for (start, end, spans), vector, svecs in zip(doc.passages, doc.passage_vectors, doc.sentence_vectors):
            text = doc.text[start:end]
            cur = self.db.execute(
                'INSERT INTO passages (document_id, start, "end", text, sentences, vector, sentence_vectors)'
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (doc_id, start, end, text, spans_json(spans),
                 vector.astype(np.float32).tobytes(), svecs.astype(np.float16).tobytes()))
            self.db.execute("INSERT INTO passages_fts (rowid, title, text) VALUES (?, ?, ?)",
                            (cur.lastrowid, doc.title, text))
            if UNSPACED.search(doc.title) or UNSPACED.search(text):
                self.db.execute("INSERT INTO passages_cjk (rowid, title, text) VALUES (?, ?, ?)",
                                (cur.lastrowid, doc.title, text))
        write_document_extras(db, doc_id, doc)
        return doc_id

    # -- search -------------------------------------------------------------------------------
    def lexical(self, query: str, limit: int, *, exhaustive: bool = False) -> list[tuple[int, float]]:
        """BM25 over the word index (FTS5; from LEXICAL_MIN passages on, the tantivy index beside the store:
        sqlite_lexical.py), and for unspaced scripts over the trigram index; when both answer, each run's
        scores are divided by its best and summed. Ties by id. exhaustive=True ranks with FTS5 whatever the
        size (every matching row: for measuring the index against it)."""
        runs = []
        indexed = not exhaustive and self.words.ready(writable=not self.read_only)  # top-k through tantivy
        if indexed:
            runs.append(self.words.search(query, limit))
        for table, match in (("passages_fts", fts_query(query)), ("passages_cjk", cjk_query(query))):
            if match and not (indexed and table == "passages_fts"):
                rows = self.db.execute(
                    f"SELECT rowid, -bm25({table}) AS score FROM {table} WHERE {table} MATCH ?"
                    f" ORDER BY bm25({table}), rowid LIMIT ?", (match, limit)).fetchall()
                runs.append([(int(r[0]), float(r[1])) for r in rows])
        runs = [run for run in runs if run]
        if len(runs) == 1:
            return runs[0]
        scores: dict[int, float] = {}
        for run in runs:
            best = max(abs(v) for _, v in run) or 1.0
            for pid, value in run:
                scores[pid] = scores.get(pid, 0.0) + value / best
        return sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]

    def dense(self, vector: np.ndarray, limit: int, *, exact: bool = False) -> list[tuple[int, float]]:
        """Top-k inner product: the vector graph's candidates and the newest passages, re-scored exactly
        (sqlite_vectors.py); exact=True scans every stored vector."""
        return self.vectors.search(vector, limit, exact=exact)

    # -- closing ------------------------------------------------------------------------------
    def close(self) -> None:
        self.db.close()
