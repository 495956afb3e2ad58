"""The PostgreSQL store: one database for many workers and machines, with pgvector for dense search.

Select it with a postgresql:// URI as `db` (the `store` setting then defaults to "postgres"). It keeps what the
SQLite store keeps (documents, passages, sentence vectors, checks, dedupe groups) plus the shared job queue,
so any number of `veracity worker` processes on any machine can share one collection.

- Lexical: each passage's title and text as a tsvector (english config) under a GIN index, ranked by BM25
  with the passage's terms counted once (passages are a few sentences long, so a term seldom recurs). A
  top-k OR query over common words matches a large part of a big collection; ranking every match is what
  makes SQLite's FTS5 OR-ranking slow at 1M passages. Here the terms are taken rarest first (document
  frequencies from the `lexemes` table) and only the rarest, up to a budget of summed document frequency,
  bring candidate passages; every term of the query then scores those candidates. The top passages by BM25
  nearly always hold a rare term, so the cost is bounded by the budget, not by the collection
  (benchmarks/pg_scale.py measures the overlap with scoring every match).
- Dense: halfvec (2 bytes a dimension) under an HNSW index (inner product); `hnsw.ef_search` is set per
  query to max(ef_search, limit). Approximate: recall@10 against exact search is measured by the benchmark.
- Writes of documents are serialised by an advisory lock held for the write transaction only (embedding,
  the slow part of ingest, runs outside it), so dedupe groups and term statistics stay exact with many
  workers.
- A lost connection is a StoreError (retryable) with one line saying how to fix it; the next call
  reconnects. Passwords never appear in messages: `masked()` hides them.
"""

from __future__ import annotations

import json
import logging
import math
import re
import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, NoReturn, TypeVar

import numpy as np

from ..dedupe import band_keys, similarity
from ..errors import InputError, StoreError
from ..text import UNSPACED, content_words, unspaced_trigrams
from ..types import Document, Passage, Span
from .base import JOB_STATES, LEASE_EXPIRED, CheckRecord, Job, JobEvent, NewDocument, StoredReview
from .postgres_web import PostgresWebArchive

log = logging.getLogger("veracity.store")
_T = TypeVar("_T")
WRITE_LOCK = 0x7665726163697480  # advisory lock key held while documents are written
K1, B = 1.2, 0.75  # BM25
CANDIDATE_BUDGET = 3_000  # summed document frequency of the terms that bring candidates (see lexical)
CANDIDATE_CAP = 6_000  # passages scored at most when even the rarest term is more common than the budget
EF_SEARCH_MAX = 1000  # pgvector's upper bound for hnsw.ef_search; a larger setting is clamped to it
EF_SEARCH = 800  # HNSW candidate list at query time (setting pg_ef_search; see benchmarks/pg_scale.py)


def masked(uri: str) -> str:
    """The URI with any password replaced by ***, for messages and logs."""
    uri = re.sub(r"(://[^:/@?#]*):[^@/?#]*@", r"\1:***@", uri)
    return re.sub(r"(?i)(password=)[^&\s]*", r"\1***", uri)


@dataclass(frozen=True)
class QueryTerms:
    """What a lexical query looks up: content words (stemmed by the english config in SQL), 5-letter prefixes
    of the long ones (to forgive typos), and the three-character pieces of unspaced scripts (matched as they
    are, as they are indexed: see `passage_tsvector`)."""

    words: list[str]
    prefixes: list[str]
    grams: list[str]


def query_terms(text: str) -> QueryTerms:
    """The terms of a query, as the SQLite store's fts_query and cjk_query take them."""
    words: list[str] = []
    prefixes: list[str] = []
    for word in content_words(UNSPACED.sub(" ", text)):
        word = re.sub(r"[^\w]", "", word.lower())
        if not word:
            continue
        words.append(word)
        if len(word) >= 7:
            prefixes.append(word[:5])
    return QueryTerms(list(dict.fromkeys(words)), list(dict.fromkeys(prefixes)), unspaced_trigrams(text))


# a passage's tsvector: its title and text under the english config, plus the three-character pieces of any
# unspaced script in them (Chinese, Japanese, Thai: the parser keeps a whole run as one word, so no part of it
# could be found otherwise). Parameters: the title and text, then the pieces.
PASSAGE_TSVECTOR = "to_tsvector('english', %s) || array_to_tsvector(%s::text[])"


def tsquery_term(lexeme: str, prefix: bool) -> str:
    quoted = "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"
    return quoted + (":*" if prefix else "")


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(timezone.utc).isoformat() if value is not None else None


class _Link:
    """One database connection, opened on first use and again after it was lost, and the lock its users hold."""

    def __init__(self, connect: Callable[[], Any], uri: str = "") -> None:
        self.connect = connect
        self.uri = uri
        self.lock = threading.RLock()
        self.conn: Any = None

    def get(self) -> Any:
        if self.conn is None or self.conn.closed:
            self.conn = self.connect()
        return self.conn

    def drop(self) -> None:
        if self.conn is not None:
            with suppress(Exception):  # already broken
                self.conn.close()
        self.conn = None


class PostgresStore(PostgresWebArchive):
    """See the module doc. `dense` runs on a connection of its own, so hybrid search runs the lexical and dense
    queries at once (concurrent_search): two server processes, the latency of the slower one."""

    concurrent_search = True

    def __init__(self, path: str, *, create: bool = True, dimension: int = 384, ef_search: int = EF_SEARCH,
                 candidate_budget: int = CANDIDATE_BUDGET, replica: str | None = None) -> None:
        from . import postgres_migrations

        self.uri = path
        self.path = masked(path)
        self.dimension = dimension
        self.ef_search = ef_search
        self.candidate_budget = candidate_budget
        self.create = create
        self._main = _Link(lambda: self._connect(self.uri))
        self._search = _Link(lambda: self._connect(self.uri))  # dense search's own connection: concurrent_search
        # a read replica (setting pg_replica) serves the searches, on two connections likewise
        self.replica = masked(replica) if replica else None
        self._replica = (_Link(lambda: self._connect(replica), replica),
                         _Link(lambda: self._connect(replica), replica)) if replica else None
        self._fence: str | None = None  # the WAL position of this store's last document write, until replayed
        self._replica_down = False
        if dimension != postgres_migrations.DIMENSION:
            raise StoreError(f"the PostgreSQL store holds {postgres_migrations.DIMENSION}-dimension vectors, not "
                             f"{dimension}; use an embedder of that dimension", backend="postgres")
        with self._db() as db:
            self._migrate(create)
            if self._replica is not None:  # the replica serves searches once it is as new as the primary is now
                self._fence = str(db.execute("SELECT pg_current_wal_lsn()").fetchone()[0])

    # -- connection -----------------------------------------------------------------------------
    def _connect(self, uri: str) -> Any:
        import psycopg
        from pgvector.psycopg import register_vector

        conn = psycopg.connect(uri, autocommit=True, connect_timeout=10,
                               application_name="veracity")
        with suppress(psycopg.ProgrammingError):  # no vector type yet: migrate creates it, then registers
            register_vector(conn)
        return conn

    @property
    def db(self) -> Any:
        """The open connection (reconnecting after a lost one)."""
        return self._main.get()

    def _fail(self, exc: Exception, link: _Link) -> NoReturn:
        import psycopg

        text = " ".join(str(exc).split())
        for uri in (self.uri, *(link.uri for link in self._replica or ())):
            for secret in re.findall(r"://[^:/@?#]*:([^@/?#]+)@", uri) + re.findall(r"(?i)password=([^&\s]+)", uri):
                text = text.replace(secret, "***")
        if self._replica and link in self._replica:
            raise StoreError(f"cannot search the read replica {self.replica}: {text}; start it or fix pg_replica "
                             f"(VERACITY_PG_REPLICA)", backend="postgres", retryable=True) from None
        lost = isinstance(exc, psycopg.OperationalError) or (link.conn is not None and link.conn.closed)
        if lost:
            link.drop()
            if "does not exist" in text and "database" in text:
                raise StoreError(f"cannot open the PostgreSQL store {self.path}: {text}; create the database "
                                 f"(createdb) or fix the URI in VERACITY_DB / --db", backend="postgres") from None
            if "password" in text or "authentication" in text:
                raise StoreError(f"cannot log in to PostgreSQL at {self.path}: {text}; check the user and "
                                 f"password in VERACITY_DB / --db (or ~/.pgpass)", backend="postgres") from None
            raise StoreError(f"cannot reach PostgreSQL at {self.path}: {text}; start the server or fix the URI in "
                             f"VERACITY_DB / --db, then retry", backend="postgres", retryable=True) from None
        if isinstance(exc, psycopg.errors.InsufficientPrivilege):
            raise StoreError(f"PostgreSQL store {self.path}: {text}; ask the database owner for rights (or to run "
                             f"`veracity db migrate` once)", backend="postgres") from None
        raise StoreError(f"PostgreSQL store {self.path}: {text}", backend="postgres") from None

    @contextmanager
    def _db(self, link: _Link | None = None) -> Iterator[Any]:
        """A connection (the main one unless told), under its lock; database errors become one-line
        StoreErrors."""
        import psycopg

        link = link or self._main
        with link.lock:
            try:
                yield link.get()
            except psycopg.Error as exc:
                self._fail(exc, link)

    @contextmanager
    def _transaction(self, link: _Link | None = None) -> Iterator[Any]:
        with self._db(link) as db, db.transaction():
            yield db

    def _read(self, run: Callable[[Any], _T], *, second: bool = False) -> _T:
        """Run a search-side read in a transaction: on the read replica when one is set and has replayed this
        store's own writes (so a document just written is found), else on the primary. A replica that cannot be
        reached is logged and the primary answers. second: the second connection (dense search's)."""
        primary = self._search if second else self._main
        link = primary if self._replica is None else self._replica[1 if second else 0]
        try:
            if link is not primary and self._fence is not None:
                with self._db(link) as db:
                    row = db.execute("SELECT COALESCE(pg_last_wal_replay_lsn() >= %s::pg_lsn, true)",
                                     (self._fence,)).fetchone()
                if not row[0]:
                    link = primary
                else:
                    self._fence = None
            with self._transaction(link) as db:
                result = run(db)
            self._replica_down = False
            return result
        except StoreError as exc:
            if link is primary or not exc.retryable:
                raise
            if not self._replica_down:  # once an outage, not once a search
                log.warning("%s; the primary answers until it is back", exc)
                self._replica_down = True
            with self._transaction(primary) as db:
                return run(db)

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
            postgres_migrations.migrate(db)
            register_vector(db)
        row = db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        if row is not None and int(row[0]) > postgres_migrations.LATEST:
            raise StoreError(f"store {self.path} has schema {row[0]}, newer than this veracity reads "
                             f"({postgres_migrations.LATEST}); upgrade veracity", backend="postgres")

    def migrate(self) -> list[str]:
        """Apply pending migrations (`veracity db migrate`); returns their names."""
        from pgvector.psycopg import register_vector

        from . import postgres_migrations

        with self._db() as db:
            names = postgres_migrations.migrate(db)
            register_vector(db)
            return names

    def vector_space(self, embedder: str) -> None:
        with self._db() as db:
            row = db.execute("SELECT value FROM meta WHERE key='embedder'").fetchone()
            if row is not None and row[0] != embedder:
                raise StoreError(f"the vectors in {self.path} were made by the embedder {row[0]!r}, not "
                                 f"{embedder!r}; use that embedder with this store (VERACITY_EMBEDDER) or give "
                                 f"another --db", backend="postgres")
            if row is None:
                db.execute("INSERT INTO meta VALUES ('embedder', %s) ON CONFLICT DO NOTHING", (embedder,))

    # -- documents ----------------------------------------------------------------------------
    def has_document(self, content_hash: str) -> bool:
        with self._db() as db:
            return db.execute("SELECT 1 FROM documents WHERE content_hash=%s", (content_hash,)).fetchone() is not None

    def add_document(self, doc: NewDocument, near_duplicate_jaccard: float) -> int | None:
        return self.add_documents([doc], near_duplicate_jaccard)[0]

    def add_documents(self, docs: list[NewDocument], near_duplicate_jaccard: float) -> list[int | None]:
        """Insert documents in one transaction: all of them are written, or none (a rerun adds the rest).
        A document already stored (same content hash, perhaps written by another worker meanwhile) is not
        written again; its place in the result is None, as in every store."""
        if not docs:
            return []
        for doc in docs:
            if problem := doc.dimension_problem(self.dimension):
                raise StoreError(problem, backend="postgres")
        with self._transaction() as db:
            db.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            ids: list[int | None] = []
            fresh: list[int] = []
            for doc in docs:
                doc_id, new = self._insert(db, doc, near_duplicate_jaccard)
                ids.append(doc_id if new else None)
                if new:
                    fresh.append(doc_id)
            if fresh:
                db.execute("INSERT INTO lexemes (lexeme, df) SELECT l, count(*) FROM passages, "
                           "unnest(tsvector_to_array(tsv)) l WHERE document_id = ANY(%s) GROUP BY l "
                           "ON CONFLICT (lexeme) DO UPDATE SET df = lexemes.df + excluded.df", (fresh,))
                db.execute("UPDATE search_stats SET passages = passages + s.n, lexemes = lexemes + s.total FROM "
                           "(SELECT count(*) AS n, COALESCE(sum(length(tsv)), 0) AS total FROM passages "
                           "WHERE document_id = ANY(%s)) s", (fresh,))
        if fresh and self._replica is not None:
            with self._db() as db:  # committed: searches read the primary until the replica has replayed this
                self._fence = str(db.execute("SELECT pg_current_wal_lsn()").fetchone()[0])
        return ids

    def _group_for(self, db: Any, signature: np.ndarray, threshold: float) -> int | None:
        rows = db.execute("SELECT d.id, d.grp, d.signature FROM documents d WHERE d.id IN (SELECT document_id FROM "
                          "minhash_bands WHERE key = ANY(%s)) ORDER BY d.id", (band_keys(signature),)).fetchall()
        if not rows:
            return None
        sims = similarity(signature, np.stack([np.frombuffer(r[2], dtype=np.uint64) for r in rows]))
        best = int(np.argmax(sims))
        return int(rows[best][1]) if sims[best] >= threshold else None

    def _insert(self, db: Any, doc: NewDocument, near_duplicate_jaccard: float) -> tuple[int, bool]:
        from pgvector import HalfVector

        row = db.execute("SELECT id FROM documents WHERE content_hash=%s", (doc.content_hash,)).fetchone()
        if row is not None:
            return int(row[0]), False
        # one page is one source: a fact-check record stored as its own document (sources/web.py review_document)
        # and the page it came from share their location; else the near-duplicate group, else a group of its own
        same = db.execute("SELECT grp FROM documents WHERE location = %s AND location <> '' ORDER BY id LIMIT 1",
                          (doc.location,)).fetchone()
        group = int(same[0]) if same else self._group_for(db, doc.signature, near_duplicate_jaccard)
        doc_id = int(db.execute(
            "INSERT INTO documents (content_hash, title, location, publisher, published, grp, text, signature) "
            "VALUES (%s, %s, %s, %s, %s, COALESCE(%s, nextval('documents_grp_seq')), %s, %s) RETURNING id",
            (doc.content_hash, doc.title, doc.location, doc.publisher, doc.published, group, doc.text,
             doc.signature.astype(np.uint64).tobytes())).fetchone()[0])
        rows = []
        for (start, end, spans), vector, svecs in zip(doc.passages, doc.passage_vectors, doc.sentence_vectors):
            text = doc.text[start:end]
            rows.append((doc_id, start, end, text, json.dumps([[s.start, s.end] for s in spans]),
                         f"{doc.title} {text}", unspaced_trigrams(f"{doc.title} {text}"), HalfVector(np.asarray(vector, dtype=np.float32)),
                         np.asarray(svecs).astype(np.float16).tobytes()))
        with db.cursor() as cur:
            cur.executemany('INSERT INTO passages (document_id, start, "end", text, sentences, tsv, vector, '
                            f"sentence_vectors) VALUES (%s, %s, %s, %s, %s, {PASSAGE_TSVECTOR}, %s, %s)", rows)
            cur.executemany("INSERT INTO minhash_bands (key, document_id) VALUES (%s, %s)",
                            [(k, doc_id) for k in band_keys(doc.signature)])
            if doc.reviews:
                cur.executemany(
                    "INSERT INTO claim_reviews (document_id, claim, rating, rating_value, best_rating, worst_rating, "
                    "publisher, published, url, origin) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    [(doc_id, r.claim, r.rating, r.rating_value, r.best_rating, r.worst_rating, r.publisher,
                      r.published, r.url, r.origin) for r in doc.reviews])
        return doc_id, True

    def claim_reviews(self) -> list[StoredReview]:
        """Every fact-checker's ruling read at ingest, oldest document first."""
        from ..factcheck import ClaimReview

        with self._db() as db:
            rows = db.execute("SELECT document_id, claim, rating, rating_value, best_rating, worst_rating, publisher, "
                              "published, url, origin FROM claim_reviews ORDER BY document_id, id").fetchall()
        return [StoredReview(int(r[0]), ClaimReview(claim=r[1], rating=r[2], rating_value=r[3], best_rating=r[4],
                                                    worst_rating=r[5], publisher=r[6], published=r[7], url=r[8],
                                                    origin=r[9])) for r in rows]

    def documents(self, ids: list[int]) -> dict[int, Document]:
        if not ids:
            return {}
        rows = self._read(lambda db: db.execute("SELECT id, title, location, publisher, published, content_hash, "
                                                "grp, text FROM documents WHERE id = ANY(%s)", (list(ids),)).fetchall())
        return {r[0]: Document(id=r[0], title=r[1], location=r[2], publisher=r[3], published=r[4],
                               content_hash=r[5], group=r[6], text=r[7]) for r in rows}

    def list_documents(self, limit: int, after: int = 0) -> list[Document]:
        """Documents with id > after, in id order, without their text (for listings)."""
        with self._db() as db:
            rows = db.execute("SELECT id, title, location, publisher, published, content_hash, grp FROM documents "
                              "WHERE id > %s ORDER BY id LIMIT %s", (after, limit)).fetchall()
        return [Document(id=r[0], title=r[1], location=r[2], publisher=r[3], published=r[4], content_hash=r[5],
                         group=r[6]) for r in rows]

    def passages(self, ids: list[int]) -> dict[int, Passage]:
        if not ids:
            return {}
        rows = self._read(lambda db: db.execute('SELECT id, document_id, start, "end", text, sentences FROM passages '
                                                "WHERE id = ANY(%s)", (list(ids),)).fetchall())
        return {r[0]: Passage(id=r[0], document_id=r[1], start=r[2], end=r[3], text=r[4],
                              sentences=tuple(Span(a, b) for a, b in json.loads(r[5]))) for r in rows}

    # -- search -------------------------------------------------------------------------------
    def lexical(self, query: str, limit: int, *, exhaustive: bool = False,
                document_ids: list[int] | None = None) -> list[tuple[int, float]]:
        """BM25 top-k of an OR query of the content words (and prefixes of long words). exhaustive=True scores
        every passage that matches any term (for measuring the pruning, not for serving); document_ids keeps
        the passages of those documents only (`check --web-only`)."""
        budget = None if exhaustive else self.candidate_budget
        wanted = query_terms(query)
        if not (wanted.words or wanted.grams):
            return []

        def run(db: Any) -> list[Any]:
            terms = db.execute(
                "SELECT t.term, t.prefix, CASE WHEN t.prefix THEN (SELECT COALESCE(sum(df), 0)::bigint FROM lexemes "
                "WHERE lexeme >= t.term AND lexeme < t.term || chr(1114111)) ELSE COALESCE((SELECT df FROM "
                "lexemes WHERE lexeme = t.term), 0) END AS df, s.passages, s.lexemes FROM "
                "(SELECT DISTINCT unnest(tsvector_to_array(to_tsvector('english', w))) AS term, false AS prefix "
                "FROM unnest(%s::text[]) w UNION SELECT p, true FROM unnest(%s::text[]) p UNION SELECT g, false FROM "
                "unnest(%s::text[]) g) t, search_stats s ORDER BY df, t.term, t.prefix",
                (wanted.words, wanted.prefixes, wanted.grams)).fetchall()
            terms = [t for t in terms if t[2] > 0]
            if not terms:
                return []
            n, total = max(int(terms[0][3]), 1), max(int(terms[0][4]), 1)
            weights = [math.log(1 + (n - min(df, n) + 0.5) / (min(df, n) + 0.5)) for _, _, df, _, _ in terms]
            queries = [tsquery_term(term, prefix) for term, prefix, _, _, _ in terms]
            if budget is None:
                candidates, cap = " | ".join(queries), None
            else:
                chosen: list[str] = []
                summed = 0
                for q, (_, _, df, _, _) in zip(queries, terms):
                    if chosen and summed + df > budget:
                        break
                    chosen.append(q)
                    summed += df
                candidates, cap = " | ".join(chosen), (CANDIDATE_CAP if summed > budget else None)
            score = " + ".join(f"CASE WHEN tsv @@ %s::tsquery THEN {w!r} ELSE 0 END" for w in weights)
            scope = " AND document_id = ANY(%s)" if document_ids is not None else ""
            sql = (f"WITH c AS MATERIALIZED (SELECT id, tsv FROM passages WHERE tsv @@ %s::tsquery{scope}"
                   f"{' LIMIT ' + str(cap) if cap else ''}) "
                   f"SELECT id, ({score}) * {K1 + 1!r} / (1 + {K1!r} * (1 - {B!r} + {B!r} * length(tsv) / "
                   f"{total / n!r})) AS score FROM c ORDER BY score DESC, id LIMIT %s")
            params: list[Any] = [candidates, *([list(document_ids)] if document_ids is not None else []), *queries,
                                 limit]
            return list(db.execute(sql, params).fetchall())

        rows = self._read(run)
        return [(int(r[0]), float(r[1])) for r in rows]

    def dense(self, vector: np.ndarray, limit: int, *, exact: bool = False) -> list[tuple[int, float]]:
        """Top-k inner product through the HNSW index (approximate); exact=True scans every vector (for
        measuring recall)."""
        from pgvector import HalfVector

        query = HalfVector(np.asarray(vector, dtype=np.float32))

        def run(db: Any) -> list[Any]:
            if exact:
                db.execute("SET LOCAL enable_indexscan = off")
            else:
                db.execute(f"SET LOCAL hnsw.ef_search = {min(max(int(self.ef_search), int(limit)), EF_SEARCH_MAX)}")
            return list(db.execute("SELECT id, -(vector <#> %s) AS score FROM passages ORDER BY vector <#> %s "
                                   "LIMIT %s", (query, query, limit)).fetchall())

        rows = self._read(run, second=True)
        return sorted(((int(r[0]), float(r[1])) for r in rows), key=lambda item: (-item[1], item[0]))

    def sentence_vectors(self, passage_ids: list[int]) -> dict[int, np.ndarray]:
        if not passage_ids:
            return {}
        rows = self._read(lambda db: db.execute("SELECT id, sentence_vectors FROM passages WHERE id = ANY(%s)",
                                                (list(passage_ids),)).fetchall())
        return {r[0]: np.frombuffer(r[1], dtype=np.float16).reshape(-1, self.dimension).astype(np.float32)
                for r in rows}

    # -- checks -------------------------------------------------------------------------------
    def save_check(self, record: CheckRecord) -> None:
        with self._db() as db:
            db.execute("INSERT INTO checks VALUES (%s, %s, %s, %s, %s) ON CONFLICT (id) DO UPDATE SET "
                       "question=excluded.question, created_at=excluded.created_at, verdict=excluded.verdict, "
                       "report=excluded.report",
                       (record.id, record.question, record.created_at, record.verdict, record.report_json))

    def checks(self, limit: int) -> list[CheckRecord]:
        with self._db() as db:
            rows = db.execute("SELECT id, question, created_at, verdict, report FROM checks "
                              "ORDER BY created_at DESC, id LIMIT %s", (limit,)).fetchall()
        return [CheckRecord(*r) for r in rows]

    def check(self, check_id: str) -> CheckRecord:
        pattern = re.sub(r"([\\%_])", r"\\\1", check_id) + "%"
        with self._db() as db:
            rows = db.execute("SELECT id, question, created_at, verdict, report FROM checks WHERE id LIKE %s "
                              "ORDER BY id LIMIT 2", (pattern,)).fetchall()
        if not rows:
            raise InputError(f"no check with id {check_id!r}; `veracity history` lists them")
        if len(rows) > 1:
            raise InputError(f"check id {check_id!r} is ambiguous; give more characters")
        return CheckRecord(*rows[0])

    def counts(self) -> dict[str, int]:
        with self._db() as db:
            row = db.execute("SELECT (SELECT count(*) FROM documents), (SELECT count(DISTINCT grp) FROM documents), "
                             "(SELECT count(*) FROM passages), (SELECT count(*) FROM checks)").fetchone()
        return {"documents": int(row[0]), "groups": int(row[1]), "passages": int(row[2]), "checks": int(row[3])}

    def job_counts(self) -> dict[str, int]:
        with self._db() as db:
            rows = db.execute("SELECT state, count(*) FROM jobs GROUP BY state").fetchall()
        return dict.fromkeys(JOB_STATES, 0) | {state: int(n) for state, n in rows}

    def close(self) -> None:
        for link in (self._main, self._search):
            with link.lock:
                link.drop()

    # -- jobs (store.base.JobQueue) -------------------------------------------------------------
    _JOB_COLUMNS = ("id, kind, payload, state, attempts, created_at, updated_at, lease_owner, lease_expires_at, "
                    "result, error")

    @staticmethod
    def _job(row: Any) -> Job:
        return Job(id=row[0], kind=row[1], payload=row[2], state=row[3], attempts=int(row[4]),
                   created_at=_iso(row[5]) or "", updated_at=_iso(row[6]) or "", lease_owner=row[7],
                   lease_expires_at=_iso(row[8]), result=row[9], error=row[10])

    def _event(self, db: Any, job_id: str, kind: str, data: dict[str, Any]) -> JobEvent:
        """Append an event inside the caller's transaction; the job row is locked by the caller (or here), so
        two writers of one job's events are serialised and seq has no gaps."""
        from psycopg.types.json import Jsonb

        db.execute("SELECT 1 FROM jobs WHERE id=%s FOR UPDATE", (job_id,))
        row = db.execute("INSERT INTO job_events (job_id, seq, kind, data) SELECT %s, COALESCE(max(seq), 0) + 1, "
                         "%s, %s FROM job_events WHERE job_id = %s RETURNING job_id, seq, kind, data, created_at",
                         (job_id, kind, Jsonb(data), job_id)).fetchone()
        return JobEvent(job_id=row[0], seq=int(row[1]), kind=row[2], data=row[3], created_at=_iso(row[4]) or "")

    def add_job(self, kind: str, payload: dict[str, Any]) -> Job:
        from psycopg.types.json import Jsonb

        with self._transaction() as db:
            row = db.execute(f"INSERT INTO jobs (id, kind, payload) VALUES (%s, %s, %s) RETURNING {self._JOB_COLUMNS}",
                             (secrets.token_hex(8), kind, Jsonb(payload))).fetchone()
            self._event(db, row[0], "queued", {"kind": kind})
        return self._job(row)

    def claim_job(self, worker: str, *, lease_s: float, kinds: tuple[str, ...] = ("check", "ingest"),
                  max_attempts: int = 3) -> Job | None:
        with self._transaction() as db:
            spent = db.execute("SELECT id, attempts FROM jobs WHERE state='running' AND lease_expires_at < now() AND "
                               "attempts >= %s AND kind = ANY(%s) FOR UPDATE SKIP LOCKED",
                               (max_attempts, list(kinds))).fetchall()
            for job_id, attempts in spent:
                error = f"its worker stopped (lease expired) on each of {attempts} attempts"
                db.execute("UPDATE jobs SET state='failed', error=%s, lease_owner=NULL, lease_expires_at=NULL, "
                           "updated_at=now() WHERE id=%s", (error, job_id))
                self._event(db, job_id, "failed", {"error": error, "attempts": attempts})
            free = db.execute("SELECT id, state, attempts FROM jobs WHERE kind = ANY(%s) AND (state='queued' OR "
                              "(state='running' AND lease_expires_at < now())) ORDER BY n LIMIT 1 "
                              "FOR UPDATE SKIP LOCKED", (list(kinds),)).fetchone()
            if free is None:
                return None
            if free[1] == "running":  # its worker stopped: the attempt ends as a failed one does
                self._event(db, free[0], "retry", {"error": LEASE_EXPIRED, "attempts": free[2]})
            row = db.execute(
                f"UPDATE jobs SET state='running', attempts=attempts + 1, lease_owner=%s, "
                f"lease_expires_at=now() + make_interval(secs => %s), updated_at=now() WHERE id = %s "
                f"RETURNING {self._JOB_COLUMNS}", (worker, float(lease_s), free[0])).fetchone()
            job = self._job(row)
            self._event(db, job.id, "started", {"worker": worker, "attempt": job.attempts})
        return job

    def renew_lease(self, job_id: str, worker: str, lease_s: float) -> bool:
        with self._db() as db:
            row = db.execute("UPDATE jobs SET lease_expires_at=now() + make_interval(secs => %s) "
                             "WHERE id=%s AND state='running' AND lease_owner=%s RETURNING id",
                             (float(lease_s), job_id, worker)).fetchone()
        return row is not None

    def finish_job(self, job_id: str, worker: str, result: dict[str, Any]) -> bool:
        from psycopg.types.json import Jsonb

        with self._transaction() as db:
            row = db.execute("UPDATE jobs SET state='done', result=%s, lease_owner=NULL, lease_expires_at=NULL, "
                             "updated_at=now() WHERE id=%s AND state='running' AND lease_owner=%s RETURNING id",
                             (Jsonb(result), job_id, worker)).fetchone()
            if row is not None:
                self._event(db, job_id, "done", result)
        return row is not None

    def fail_job(self, job_id: str, worker: str, error: str, *, max_attempts: int = 3) -> Job:
        with self._transaction() as db:
            row = db.execute(
                f"UPDATE jobs SET state=CASE WHEN attempts >= %s THEN 'failed' ELSE 'queued' END, error=%s, "
                f"lease_owner=NULL, lease_expires_at=NULL, updated_at=now() "
                f"WHERE id=%s AND state='running' AND lease_owner=%s RETURNING {self._JOB_COLUMNS}",
                (max_attempts, error, job_id, worker)).fetchone()
            if row is not None:
                job = self._job(row)
                self._event(db, job_id, "failed" if job.state == "failed" else "retry",
                            {"error": error, "attempts": job.attempts})
                return job
        return self.job(job_id)

    def cancel_job(self, job_id: str) -> bool:
        with self._db() as db, db.transaction():
            row = db.execute("UPDATE jobs SET state='cancelled', lease_owner=NULL, lease_expires_at=NULL, "
                             "updated_at=now() WHERE id=%s AND state IN ('queued', 'running') RETURNING id",
                             (job_id,)).fetchone()
            if row is not None:
                self._event(db, job_id, "cancelled", {})
        return row is not None

    def job(self, job_id: str) -> Job:
        with self._db() as db:
            row = db.execute(f"SELECT {self._JOB_COLUMNS} FROM jobs WHERE id=%s", (job_id,)).fetchone()
        if row is None:
            raise InputError(f"no job with id {job_id!r}")
        return self._job(row)

    def jobs(self, *, kind: str | None = None, states: tuple[str, ...] | None = None, limit: int = 50,
             before: str | None = None, question: str | None = None, verdict: str | None = None) -> list[Job]:
        bad = [s for s in states or () if s not in JOB_STATES]
        if bad:
            raise InputError(f"unknown job state {bad[0]!r}; use one of {', '.join(JOB_STATES)}")
        with self._db() as db:
            rows = db.execute(
                f"SELECT {self._JOB_COLUMNS} FROM jobs WHERE (%s::text IS NULL OR kind = %s) "
                f"AND (%s::text[] IS NULL OR state = ANY(%s)) "
                f"AND (%s::text IS NULL OR n < (SELECT n FROM jobs WHERE id = %s)) "
                f"AND (%s::text IS NULL OR strpos(lower(payload->>'question'), lower(%s)) > 0) "
                f"AND (%s::text IS NULL OR result->>'verdict' = %s) ORDER BY n DESC LIMIT %s",
                (kind, kind, list(states) if states else None, list(states) if states else None, before, before,
                 question or None, question or None, verdict or None, verdict or None, limit)).fetchall()
        return [self._job(r) for r in rows]

    def queue_position(self, job_id: str) -> int | None:
        with self._db() as db:
            row = db.execute("SELECT CASE WHEN j.state = 'queued' THEN (SELECT count(*) FROM jobs q WHERE "
                             "q.state = 'queued' AND q.n <= j.n) END FROM jobs j WHERE j.id = %s",
                             (job_id,)).fetchone()
        if row is None:
            raise InputError(f"no job with id {job_id!r}")
        return int(row[0]) if row[0] is not None else None

    def add_event(self, job_id: str, kind: str, data: dict[str, Any]) -> JobEvent:
        with self._transaction() as db:
            if db.execute("SELECT 1 FROM jobs WHERE id=%s", (job_id,)).fetchone() is None:
                raise InputError(f"no job with id {job_id!r}")
            return self._event(db, job_id, kind, data)

    def events(self, job_id: str, after: int = 0) -> list[JobEvent]:
        with self._db() as db:
            rows = db.execute("SELECT job_id, seq, kind, data, created_at FROM job_events WHERE job_id=%s AND seq > %s "
                              "ORDER BY seq", (job_id, after)).fetchall()
        return [JobEvent(job_id=r[0], seq=int(r[1]), kind=r[2], data=r[3], created_at=_iso(r[4]) or "") for r in rows]
