"""The store core: what the SQLite and the PostgreSQL stores do alike, written once over a small dialect.

The SQL here is written with `?` placeholders; a `Dialect` says how its backend differs (its placeholder,
how a list is matched, how JSON and times cross the driver, the clock a lease is measured by, row locks), so
the two stores cannot drift apart. What stays in each store is what really differs: connections, how
passages are indexed and searched, and the DDL of their migrations.

Shared here: the row mappers, the near-duplicate grouping, the dimension check, and the reads and writes of
documents, checks and fact-checkers' rulings (`SqlCore`). The job queue is `jobs.SqlJobs`, the web archive
`web.SqlWebArchive`, the migration runner `migrations`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import numpy as np

from ..dedupe import band_keys, similarity
from ..errors import InputError, NotFound, StoreError
from ..factcheck import ClaimReview
from ..types import Document, Passage, Span
from .base import CheckRecord, NewDocument, StoredReview

Row = Sequence[Any]


def utc_now(plus_s: float = 0.0) -> str:
    """ISO 8601 UTC with microseconds: every stamp the same length, so they compare as text (SQLite's times)."""
    return (datetime.now(timezone.utc) + timedelta(seconds=plus_s)).isoformat(timespec="microseconds")


def iso(value: Any) -> str | None:
    """A time as the stores hand it out: ISO 8601 text (SQLite keeps text; PostgreSQL returns datetimes)."""
    if value is None or isinstance(value, str):
        return value
    assert isinstance(value, datetime)
    return value.astimezone(timezone.utc).isoformat()


@dataclass(frozen=True)
class Dialect:
    """How one backend's SQL differs from the core's."""

    backend: str  # "sqlite" | "postgres": StoreError.backend
    mark: str  # the driver's placeholder
    json_in: Callable[[Any], Any]  # a JSON-able value as a parameter
    json_out: Callable[[Any], Any]  # a JSON column's value as Python
    clock: str  # SQL for "now plus ? seconds" (one parameter: the seconds)
    clock_arg: Callable[[float], Any]  # the parameter `clock` takes
    lock_rows: str  # appended to a SELECT that takes rows to change ("" where a transaction locks everything)
    skip_locked: str  # appended to a SELECT that takes the next free job
    payload_question: str  # SQL: a job's question, folded for a case-blind search (one ? for the folded needle)
    fold: Callable[[str], str]
    verdict_of: str  # SQL: the verdict in a job's result
    many: Callable[[Any, str, Sequence[Sequence[Any]]], None]  # executemany on a connection

    def sql(self, text: str) -> str:
        return text if self.mark == "?" else text.replace("%", "%%").replace("?", self.mark)

    def any_of(self, column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
        """`column` is one of `values`: SQL and its parameters."""
        if self.mark == "?":
            return f"{column} IN ({','.join('?' * len(values))})", list(values)
        return f"{column} = ANY(?)", [list(values)]


class Session:
    """A connection seen through a dialect: SQL written with `?` runs on either backend."""

    def __init__(self, conn: Any, dialect: Dialect) -> None:
        self.conn = conn
        self.dialect = dialect

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.conn.execute(self.dialect.sql(sql), params)

    def insert(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run an INSERT of one row into a table with an `id` key; returns the new row's id."""
        if self.dialect.mark == "?":
            return int(self.execute(sql, params).lastrowid or 0)
        return int(self.execute(sql + " RETURNING id", params).fetchone()[0])

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self.dialect.many(self.conn, self.dialect.sql(sql), rows)

    def any_of(self, column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
        return self.dialect.any_of(column, values)


# -- row mappers --------------------------------------------------------------------------------------------------
DOCUMENT_COLUMNS = "id, title, location, publisher, published, content_hash, grp, text"
PASSAGE_COLUMNS = 'id, document_id, start, "end", text, sentences'
CHECK_COLUMNS = "id, question, created_at, verdict, report"
REVIEW_COLUMNS = ("document_id, claim, rating, rating_value, best_rating, worst_rating, publisher, published, url, "
                  "origin")


def document(row: Row) -> Document:
    """A documents row (DOCUMENT_COLUMNS, or all but text: a listing)."""
    return Document(id=int(row[0]), title=row[1], location=row[2], publisher=row[3], published=row[4],
                    content_hash=row[5], group=int(row[6]), text=row[7] if len(row) > 7 else "")


def passage(row: Row) -> Passage:
    return Passage(id=int(row[0]), document_id=int(row[1]), start=row[2], end=row[3], text=row[4],
                   sentences=tuple(Span(a, b) for a, b in json.loads(row[5])))


def stored_review(row: Row) -> StoredReview:
    return StoredReview(int(row[0]), ClaimReview(claim=row[1], rating=row[2], rating_value=row[3], best_rating=row[4],
                                                 worst_rating=row[5], publisher=row[6], published=row[7], url=row[8],
                                                 origin=row[9]))


def spans_json(spans: Sequence[Span]) -> str:
    return json.dumps([[s.start, s.end] for s in spans])


def sentence_matrix(blob: bytes, dimension: int) -> np.ndarray:
    """A passage's sentence vectors, stored as float16, as float32 rows."""
    return np.frombuffer(blob, dtype=np.float16).reshape(-1, dimension).astype(np.float32)


# -- writing documents --------------------------------------------------------------------------------------------
def check_dimensions(docs: Sequence[NewDocument], dimension: int, backend: str) -> None:
    """Refuse a batch any of whose vectors do not fit a store of `dimension` (before anything is written)."""
    for doc in docs:
        if problem := doc.dimension_problem(dimension):
            raise StoreError(problem, backend=backend)


def group_for(db: Session, signature: np.ndarray, threshold: float) -> int | None:
    """The independence group of the most similar stored document, if similar enough. Candidates come from the
    MinHash band index (documents that agree with this one on every row of some band), so the cost does not
    grow with the collection; their signatures are then compared in full."""
    where, args = db.any_of("key", band_keys(signature))
    rows = db.execute(f"SELECT d.id, d.grp, d.signature FROM documents d WHERE d.id IN (SELECT document_id FROM "
                      f"minhash_bands WHERE {where}) ORDER BY d.id", args).fetchall()
    if not rows:
        return None
    sims = similarity(signature, np.stack([np.frombuffer(r[2], dtype=np.uint64) for r in rows]))
    best = int(np.argmax(sims))
    return int(rows[best][1]) if sims[best] >= threshold else None


def group_of(db: Session, doc: NewDocument, threshold: float) -> int | None:
    """The group a new document joins, or None for a group of its own. One page is one source: a fact-check
    record stored as its own document (sources/web.py review_document) and the page it came from share their
    location; else the near-duplicate group."""
    part = PART.fullmatch(doc.location)  # a long file's parts are one source: each joins its first part's group
    places = (doc.location, f"{part.group(1)}#part-1") if part else (doc.location, doc.location)
    same = db.execute("SELECT grp FROM documents WHERE location IN (?, ?) AND location <> '' ORDER BY id LIMIT 1",
                      places).fetchone()
    return int(same[0]) if same else group_for(db, doc.signature, threshold)


PART = re.compile(r"(.+)#part-\d+")  # ingest/extract.py stores a long text file as "path#part-N"


def write_document_extras(db: Session, doc_id: int, doc: NewDocument) -> None:
    """A new document's MinHash band keys and fact-checkers' rulings."""
    db.executemany("INSERT INTO minhash_bands (key, document_id) VALUES (?, ?)",
                   [(k, doc_id) for k in band_keys(doc.signature)])
    db.executemany(f"INSERT INTO claim_reviews ({REVIEW_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   [(doc_id, r.claim, r.rating, r.rating_value, r.best_rating, r.worst_rating, r.publisher,
                     r.published, r.url, r.origin) for r in doc.reviews])


class SqlCore:
    """The reads and writes both stores do alike. A store supplies its dialect, `_fetch` (rows of one read;
    `search=True` for the reads a search makes, which PostgreSQL may send to a read replica) and `_writing`
    (a write transaction)."""

    dialect: Dialect
    path: str
    dimension: int
    _writing: Callable[[], AbstractContextManager[Session]]

    def _fetch(self, sql: str, params: Sequence[Any] = (), *, search: bool = False) -> list[Any]:
        raise NotImplementedError

    def _fetch_in(self, sql: str, column: str, values: Sequence[Any], *, search: bool = False) -> list[Any]:
        """Rows of `sql`, whose `{}` is filled with `column` is one of `values`."""
        where, args = self.dialect.any_of(column, values)
        return self._fetch(sql.format(where), args, search=search) if values else []

    def _may_write_meta(self) -> bool:
        return True

    def vector_space(self, embedder: str) -> None:
        """Bind the store's vectors to one embedder: the first embedder to use a writable store is recorded, and
        any other is refused, since its vectors would not be comparable with the stored ones."""
        row = next(iter(self._fetch("SELECT value FROM meta WHERE key='embedder'")), None)
        if row is not None and row[0] != embedder:
            raise StoreError(f"the vectors in {self.path} were made by the embedder {row[0]!r}, not {embedder!r}; "
                             f"use that embedder with this store (VERACITY_EMBEDDER) or give another --db",
                             backend=self.dialect.backend)
        if row is None and self._may_write_meta():
            with self._writing() as db:
                db.execute("INSERT INTO meta (key, value) VALUES ('embedder', ?) ON CONFLICT DO NOTHING", (embedder,))

    # -- documents ----------------------------------------------------------------------------
    def has_document(self, content_hash: str) -> bool:
        return bool(self._fetch("SELECT 1 FROM documents WHERE content_hash=?", (content_hash,)))

    def add_document(self, doc: NewDocument, near_duplicate_jaccard: float) -> int | None:
        """Insert a document with its passages, index entries and vectors in one transaction."""
        return self.add_documents([doc], near_duplicate_jaccard)[0]

    def add_documents(self, docs: list[NewDocument], near_duplicate_jaccard: float) -> list[int | None]:
        raise NotImplementedError

    def documents(self, ids: list[int]) -> dict[int, Document]:
        rows = self._fetch_in(f"SELECT {DOCUMENT_COLUMNS} FROM documents WHERE {{}}", "id", ids, search=True)
        return {int(r[0]): document(r) for r in rows}

    def list_documents(self, limit: int, after: int = 0) -> list[Document]:
        """Documents with id > after, in id order, without their text (for listings)."""
        rows = self._fetch("SELECT id, title, location, publisher, published, content_hash, grp FROM documents "
                           "WHERE id > ? ORDER BY id LIMIT ?", (after, limit))
        return [document(r) for r in rows]

    def document_ids(self, content_hashes: list[str]) -> dict[str, int]:
        rows = self._fetch_in("SELECT content_hash, id FROM documents WHERE {}", "content_hash", content_hashes)
        return {r[0]: int(r[1]) for r in rows}

    def passages(self, ids: list[int]) -> dict[int, Passage]:
        rows = self._fetch_in(f"SELECT {PASSAGE_COLUMNS} FROM passages WHERE {{}}", "id", ids, search=True)
        return {int(r[0]): passage(r) for r in rows}

    def sentence_vectors(self, passage_ids: list[int]) -> dict[int, np.ndarray]:
        rows = self._fetch_in("SELECT id, sentence_vectors FROM passages WHERE {}", "id", passage_ids, search=True)
        return {int(r[0]): sentence_matrix(r[1], self.dimension) for r in rows}

    def claim_reviews(self) -> list[StoredReview]:
        """Every fact-checker's ruling read at ingest, oldest document first."""
        return [stored_review(r) for r in self._fetch(f"SELECT {REVIEW_COLUMNS} FROM claim_reviews "
                                                      "ORDER BY document_id, id")]

    def count_as_of(self, as_of: str) -> tuple[int, int, int]:
        """(documents published on or before as_of, undated documents, documents published after it)."""
        row = self._fetch("SELECT COALESCE(SUM(CASE WHEN published <= ? THEN 1 ELSE 0 END), 0), "
                          "COALESCE(SUM(CASE WHEN published IS NULL THEN 1 ELSE 0 END), 0), "
                          "COALESCE(SUM(CASE WHEN published > ? THEN 1 ELSE 0 END), 0) FROM documents",
                          (as_of, as_of))[0]
        return int(row[0]), int(row[1]), int(row[2])

    def counts(self) -> dict[str, int]:
        row = self._fetch("SELECT (SELECT COUNT(*) FROM documents), (SELECT COUNT(DISTINCT grp) FROM documents), "
                          "(SELECT COUNT(*) FROM passages), (SELECT COUNT(*) FROM checks)")[0]
        return {"documents": int(row[0]), "groups": int(row[1]), "passages": int(row[2]), "checks": int(row[3])}

    # -- checks -------------------------------------------------------------------------------
    def save_check(self, record: CheckRecord) -> None:
        with self._writing() as db:
            db.execute(f"INSERT INTO checks ({CHECK_COLUMNS}) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                       "question=excluded.question, created_at=excluded.created_at, verdict=excluded.verdict, "
                       "report=excluded.report",
                       (record.id, record.question, record.created_at, record.verdict, record.report_json))

    def checks(self, limit: int) -> list[CheckRecord]:
        rows = self._fetch(f"SELECT {CHECK_COLUMNS} FROM checks ORDER BY created_at DESC, id LIMIT ?", (limit,))
        return [CheckRecord(*r) for r in rows]

    def check(self, check_id: str) -> CheckRecord:
        """The check whose id starts with check_id (a prefix is enough when it names one check)."""
        pattern = re.sub(r"([\\%_])", r"\\\1", check_id) + "%"  # the id's own % and _ match only themselves
        rows = self._fetch(f"SELECT {CHECK_COLUMNS} FROM checks WHERE id LIKE ? ESCAPE '\\' ORDER BY id LIMIT 2",
                           (pattern,))
        if not rows:
            raise NotFound(f"no check with id {check_id!r}; `veracity history` lists them")
        if len(rows) > 1:
            raise InputError(f"check id {check_id!r} is ambiguous; give more characters")
        return CheckRecord(*rows[0])


# -- the two dialects ---------------------------------------------------------------------------------------------
def _sqlite_many(conn: Any, sql: str, rows: Sequence[Sequence[Any]]) -> None:
    conn.executemany(sql, rows)


def _postgres_many(conn: Any, sql: str, rows: Sequence[Sequence[Any]]) -> None:
    with conn.cursor() as cur:
        cur.executemany(sql, rows)


def _jsonb(value: Any) -> Any:
    from psycopg.types.json import Jsonb

    return Jsonb(value)


def _json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _as_is(value: Any) -> Any:
    return value


SQLITE = Dialect(backend="sqlite", mark="?", json_in=_json_text, json_out=json.loads, clock="?", clock_arg=utc_now,
                 lock_rows="", skip_locked="",  # BEGIN IMMEDIATE has taken the whole store's write lock
                 payload_question="instr(casefold(json_extract(payload, '$.question')), ?) > 0", fold=str.casefold,
                 verdict_of="json_extract(result, '$.verdict')", many=_sqlite_many)
POSTGRES = Dialect(backend="postgres", mark="%s", json_in=_jsonb, json_out=_as_is,
                   clock="now() + make_interval(secs => ?)", clock_arg=float,  # the database's clock
                   lock_rows=" FOR UPDATE", skip_locked=" FOR UPDATE SKIP LOCKED",
                   payload_question="strpos(lower(payload->>'question'), lower(?)) > 0", fold=_as_is,
                   verdict_of="result->>'verdict'", many=_postgres_many)
