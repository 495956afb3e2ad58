"""The PostgreSQL store: one database for many workers and machines, with pgvector for dense search.

Select it with a postgresql:// URI as `db` (the `store` setting then defaults to "postgres"). It keeps what the
SQLite store keeps (documents, passages, sentence vectors, checks, dedupe groups, the job queue and the web
archive: the shared core in sql.py, jobs.py and web.py), so any number of `veracity worker` processes on any
machine can share one collection. This module writes documents; postgres_search.py searches them (GIN and
HNSW), postgres_link.py holds the connections (primary, read replica) and turns errors into StoreErrors.

Writes of documents are serialised by an advisory lock held for the write transaction only (embedding, the
slow part of ingest, runs outside it), so dedupe groups and term statistics stay exact with many workers.
A lost connection is a StoreError (retryable) with one line saying how to fix it; the next call reconnects.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from ..errors import InputError, StoreError
from ..text import unspaced_trigrams
from .base import NewDocument, Schema
from .jobs import SqlJobs
from .postgres_link import masked
from .postgres_search import CANDIDATE_BUDGET, EF_SEARCH, PASSAGE_TSVECTOR, PostgresSearch
from .sql import POSTGRES, Session, SqlCore, check_dimensions, group_of, spans_json, write_document_extras
from .web import SqlWebArchive

__all__ = ["PostgresStore", "masked"]
WRITE_LOCK = 0x7665726163697480  # advisory lock key held while documents are written


class PostgresStore(SqlCore, SqlJobs, SqlWebArchive, PostgresSearch):
    """See the module doc. `dense` runs on a connection of its own, so hybrid search runs the lexical and dense
    queries at once (concurrent_search): two server processes, the latency of the slower one."""

    dialect = POSTGRES
    concurrent_search = True
    read_only = False  # a role without write grants is refused by the server, one statement at a time

    def __init__(self, path: str, *, create: bool = True, dimension: int = 384, ef_search: int = EF_SEARCH,
                 candidate_budget: int = CANDIDATE_BUDGET, replica: str | None = None) -> None:
        from . import postgres_migrations

        self.uri = path
        self.path = masked(path)
        self.dimension = dimension
        self.ef_search = ef_search
        self.candidate_budget = candidate_budget
        self.create = create
        self._applied_on_open: tuple[str, ...] = ()
        self._links(replica)
        if dimension != postgres_migrations.DIMENSION:
            raise StoreError(f"the PostgreSQL store holds {postgres_migrations.DIMENSION}-dimension vectors, not "
                             f"{dimension}; use an embedder of that dimension", backend="postgres")
        with self._db() as db:
            self._migrate(create)
            if self._replica is not None:  # the replica serves searches once it is as new as the primary is now
                self._fence = str(db.execute("SELECT pg_current_wal_lsn()").fetchone()[0])

    def _fetch(self, sql: str, params: Sequence[Any] = (), *, search: bool = False) -> list[Any]:
        """Rows of one read: on the primary, or for a search's reads where _read sends them (the replica)."""
        sql = POSTGRES.sql(sql)
        if search:
            return list(self._read(lambda db: db.execute(sql, params).fetchall()))
        with self._db() as db:
            return list(db.execute(sql, params).fetchall())

    @contextmanager
    def _writing(self) -> Iterator[Session]:
        with self._transaction() as db:
            yield Session(db, POSTGRES)

    # -- schema -------------------------------------------------------------------------------
    def _migrate(self, create: bool) -> None:
        from pgvector.psycopg import register_vector

        from . import postgres_migrations

        db = self.db
        missing = postgres_migrations.pending(db)
        if missing and not create:
            if len(missing) == len(postgres_migrations.MIGRATIONS):
                raise InputError(f"no veracity store in {self.path}; run `veracity db migrate --db URI` or "
                                 f"`veracity ingest` first")
            names = ", ".join(m.__name__ for m in missing)
            raise StoreError(f"store {self.path} lacks the schema migrations {names}; run `veracity db migrate`",
                             backend="postgres")
        if missing:
            self._applied_on_open = tuple(postgres_migrations.migrate(db))
            register_vector(db)
        row = db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        if row is not None and int(row[0]) > postgres_migrations.LATEST:
            raise StoreError(f"store {self.path} has schema {row[0]}, newer than this veracity reads "
                             f"({postgres_migrations.LATEST}); upgrade veracity", backend="postgres")

    def schema(self) -> Schema:
        from . import postgres_migrations

        with self._db() as db:
            return Schema(applied=tuple(sorted(postgres_migrations.applied(db))), applied_on_open=self._applied_on_open)

    def add_documents(self, docs: list[NewDocument], near_duplicate_jaccard: float) -> list[int | None]:
        """Insert documents in one transaction: all of them are written, or none (a rerun adds the rest).
        A document already stored (same content hash, perhaps written by another worker meanwhile) is not
        written again; its place in the result is None, as in every store."""
        if not docs:
            return []
        check_dimensions(docs, self.dimension, "postgres")
        with self._transaction() as conn:
            db = Session(conn, POSTGRES)
            db.execute("SELECT pg_advisory_xact_lock(?)", (WRITE_LOCK,))
            ids: list[int | None] = []
            fresh: list[int] = []
            for doc in docs:
                doc_id, new = self._insert(db, doc, near_duplicate_jaccard)
                ids.append(doc_id if new else None)
                if new:
                    fresh.append(doc_id)
            if fresh:
                db.execute("INSERT INTO lexemes (lexeme, df) SELECT l, count(*) FROM passages, "
                           "unnest(tsvector_to_array(tsv)) l WHERE document_id = ANY(?) GROUP BY l "
                           "ON CONFLICT (lexeme) DO UPDATE SET df = lexemes.df + excluded.df", (fresh,))
                db.execute("UPDATE search_stats SET passages = passages + s.n, lexemes = lexemes + s.total FROM "
                           "(SELECT count(*) AS n, COALESCE(sum(length(tsv)), 0) AS total FROM passages "
                           "WHERE document_id = ANY(?)) s", (fresh,))
        if fresh and self._replica is not None:
            with self._db() as db:  # committed: searches read the primary until the replica has replayed this
                self._fence = str(db.execute("SELECT pg_current_wal_lsn()").fetchone()[0])
        return ids

    def _insert(self, db: Session, doc: NewDocument, near_duplicate_jaccard: float) -> tuple[int, bool]:
        from pgvector import HalfVector

        row = db.execute("SELECT id FROM documents WHERE content_hash=?", (doc.content_hash,)).fetchone()
        if row is not None:
            return int(row[0]), False
        group = group_of(db, doc, near_duplicate_jaccard)
        doc_id = int(db.execute(
            "INSERT INTO documents (content_hash, title, location, publisher, published, grp, text, signature) "
            "VALUES (?, ?, ?, ?, ?, COALESCE(?, nextval('documents_grp_seq')), ?, ?) RETURNING id",
            (doc.content_hash, doc.title, doc.location, doc.publisher, doc.published, group, doc.text,
             doc.signature.astype(np.uint64).tobytes())).fetchone()[0])
        rows = []
        for (start, end, spans), vector, svecs in zip(doc.passages, doc.passage_vectors, doc.sentence_vectors):
            text = doc.text[start:end]
            rows.append((doc_id, start, end, text, spans_json(spans),
                         f"{doc.title} {text}", unspaced_trigrams(f"{doc.title} {text}"),
                         HalfVector(np.asarray(vector, dtype=np.float32)), np.asarray(svecs).astype(np.float16).tobytes()))
        db.executemany('INSERT INTO passages (document_id, start, "end", text, sentences, tsv, vector, '
                       f"sentence_vectors) VALUES (?, ?, ?, ?, ?, {PASSAGE_TSVECTOR}, ?, ?)", rows)
        write_document_extras(db, doc_id, doc)
        return doc_id, True

