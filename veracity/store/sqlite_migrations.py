"""The SQLite store's schema, as numbered migrations applied in order and recorded in the store by the
shared runner (store/migrations.py): each a small function m<NNN>_<what>, `MIGRATIONS` in order, run inside
the caller's transaction. Never edit a released migration; add the next one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

import numpy as np

from ..dedupe import band_keys
from . import migrations
from .sql import SQLITE

Migration = Callable[[sqlite3.Connection], None]


def m001_initial(db: sqlite3.Connection) -> None:
    """The schema of veracity 0.1.0 (schema_version 1)."""
    for statement in (
        "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS documents (id INTEGER PRIMARY KEY, content_hash TEXT NOT NULL UNIQUE, "
        "title TEXT NOT NULL, location TEXT NOT NULL, publisher TEXT, published TEXT, grp INTEGER NOT NULL, "
        "text TEXT NOT NULL, signature BLOB NOT NULL, ingested_at TEXT NOT NULL DEFAULT (datetime('now')))",
        "CREATE TABLE IF NOT EXISTS passages (id INTEGER PRIMARY KEY, document_id INTEGER NOT NULL "
        'REFERENCES documents(id) ON DELETE CASCADE, start INTEGER NOT NULL, "end" INTEGER NOT NULL, '
        "text TEXT NOT NULL, sentences TEXT NOT NULL, vector BLOB NOT NULL, sentence_vectors BLOB NOT NULL)",
        "CREATE INDEX IF NOT EXISTS passages_document ON passages(document_id)",
        "CREATE VIRTUAL TABLE IF NOT EXISTS passages_fts USING fts5(text, content='passages', content_rowid='id', "
        "tokenize='porter unicode61 remove_diacritics 2')",
        "CREATE TABLE IF NOT EXISTS checks (id TEXT PRIMARY KEY, question TEXT NOT NULL, created_at TEXT NOT NULL, "
        "verdict TEXT, report TEXT NOT NULL)",
    ):
        db.execute(statement)


def m002_titles_and_minhash(db: sqlite3.Connection) -> None:
    """The full-text index holds each passage with its document title (contentless); a MinHash band index
    finds near-duplicate candidates without comparing every document."""
    db.execute("DROP TABLE IF EXISTS passages_fts")
    db.execute("CREATE VIRTUAL TABLE passages_fts USING fts5(title, text, content='', "
               "tokenize='porter unicode61 remove_diacritics 2')")
    db.execute("INSERT INTO passages_fts (rowid, title, text) SELECT p.id, d.title, p.text "
               "FROM passages p JOIN documents d ON d.id = p.document_id")
    db.execute("CREATE INDEX IF NOT EXISTS documents_grp ON documents(grp)")
    db.execute("CREATE TABLE IF NOT EXISTS minhash_bands (key INTEGER NOT NULL, document_id INTEGER NOT NULL "
               "REFERENCES documents(id) ON DELETE CASCADE)")
    db.execute("CREATE INDEX IF NOT EXISTS minhash_bands_key ON minhash_bands(key)")
    for doc_id, blob in db.execute("SELECT id, signature FROM documents").fetchall():
        db.executemany("INSERT INTO minhash_bands (key, document_id) VALUES (?, ?)",
                       [(k, doc_id) for k in band_keys(np.frombuffer(blob, dtype=np.uint64))])


def m003_jobs(db: sqlite3.Connection) -> None:
    """The job queue (checks and ingests run by workers under a lease) and each job's stored events."""
    db.execute("CREATE TABLE IF NOT EXISTS jobs (n INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, "
               "kind TEXT NOT NULL, payload TEXT NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, "
               "created_at TEXT NOT NULL, updated_at TEXT NOT NULL, lease_owner TEXT, lease_expires_at TEXT, "
               "result TEXT, error TEXT)")
    db.execute("CREATE INDEX IF NOT EXISTS jobs_state ON jobs(state, n)")
    db.execute("CREATE INDEX IF NOT EXISTS jobs_kind ON jobs(kind, n)")
    db.execute("CREATE TABLE IF NOT EXISTS job_events (job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE, "
               "seq INTEGER NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL, created_at TEXT NOT NULL, "
               "PRIMARY KEY (job_id, seq))")


def m004_web_snapshots(db: sqlite3.Connection) -> None:
    """Web sources: search responses (cache and replay), page snapshots stored once per content hash, each
    fetch of a URL, and what each web check used (for `check --replay`)."""
    for statement in (
        "CREATE TABLE IF NOT EXISTS web_searches (id INTEGER PRIMARY KEY, provider TEXT NOT NULL, query TEXT NOT NULL, "
        "max_results INTEGER NOT NULL, response TEXT NOT NULL, fetched_at TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS web_searches_key ON web_searches(provider, query, max_results, fetched_at)",
        "CREATE TABLE IF NOT EXISTS web_snapshots (id INTEGER PRIMARY KEY, content_hash TEXT NOT NULL UNIQUE, "
        "content_type TEXT NOT NULL, text TEXT NOT NULL, title TEXT NOT NULL, author TEXT, publisher TEXT, "
        "published TEXT, document_id INTEGER REFERENCES documents(id) ON DELETE SET NULL)",
        "CREATE TABLE IF NOT EXISTS web_fetches (id INTEGER PRIMARY KEY, url TEXT NOT NULL, final_url TEXT NOT NULL, "
        "status INTEGER NOT NULL, headers TEXT NOT NULL, etag TEXT, last_modified TEXT, fetched_at TEXT NOT NULL, "
        "snapshot_id INTEGER NOT NULL REFERENCES web_snapshots(id))",
        "CREATE INDEX IF NOT EXISTS web_fetches_url ON web_fetches(url, fetched_at)",
        "CREATE TABLE IF NOT EXISTS web_runs (check_id TEXT PRIMARY KEY, record TEXT NOT NULL, "
        "created_at TEXT NOT NULL DEFAULT (datetime('now')))",
    ):
        db.execute(statement)


def m005_claim_reviews(db: sqlite3.Connection) -> None:
    """Fact-checkers' rulings read at ingest (veracity/factcheck.py): one row per ClaimReview of a document."""
    db.execute("CREATE TABLE IF NOT EXISTS claim_reviews (id INTEGER PRIMARY KEY, document_id INTEGER NOT NULL "
               "REFERENCES documents(id) ON DELETE CASCADE, claim TEXT NOT NULL, rating TEXT, rating_value REAL, "
               "best_rating REAL, worst_rating REAL, publisher TEXT, published TEXT, url TEXT, origin TEXT NOT NULL)")
    db.execute("CREATE INDEX IF NOT EXISTS claim_reviews_document ON claim_reviews(document_id)")


def m006_unspaced_scripts(db: sqlite3.Connection) -> None:
    """A trigram full-text index beside the word index, for passages in scripts written without spaces
    (Chinese, Japanese, Thai): the word index holds a whole run of them as one token, so no part of it could
    be found. Only passages holding such text are indexed; those already stored are added here."""
    from ..text import UNSPACED

    db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS passages_cjk USING fts5(title, text, content='', "
               "tokenize='trigram')")
    cursor = db.execute("SELECT p.id, d.title, p.text FROM passages p JOIN documents d ON d.id = p.document_id "
                        "ORDER BY p.id")
    while rows := cursor.fetchmany(4096):
        db.executemany("INSERT INTO passages_cjk (rowid, title, text) VALUES (?, ?, ?)",
                       [r for r in rows if UNSPACED.search(r[1]) or UNSPACED.search(r[2])])


def m007_document_locations(db: sqlite3.Connection) -> None:
    """An index on documents' locations: a document joins the group of a stored one at the same location (a
    fact-check record and the page it came from count as one source). Groups already stored are kept."""
    db.execute("CREATE INDEX IF NOT EXISTS documents_location ON documents(location)")


def m008_indexes_beside_the_store(db: sqlite3.Connection) -> None:
    """From here on a large store keeps two indexes beside its file, built from it and kept in step with it:
    the vector graph (`<store>-vectors.usearch`, store/sqlite_vectors.py) and the BM25 top-k index
    (`<store>-lexical.tantivy`, store/sqlite_lexical.py). Nothing in the file changes; the store builds them
    when it is next opened writable and holds enough passages. The schema number moves so that a veracity
    older than this one, which would write passages without adding them to the indexes, refuses the store
    instead (the indexes would still be caught up, but a reader would search exactly until then)."""
    db.execute("INSERT INTO meta (key, value) VALUES ('indexes', 'vectors: usearch int8 HNSW; lexical: tantivy') "
               "ON CONFLICT (key) DO UPDATE SET value = excluded.value")


MIGRATIONS: list[Migration] = [m001_initial, m002_titles_and_minhash, m003_jobs, m004_web_snapshots,
                               m005_claim_reviews, m006_unspaced_scripts, m007_document_locations,
                               m008_indexes_beside_the_store]


LATEST = migrations.latest(MIGRATIONS)
number = migrations.number


def applied(db: sqlite3.Connection) -> set[str]:
    """Names of the migrations a store has had (migrations.applied: a 0.1.x store's schema_version counts)."""
    return migrations.applied(db, SQLITE, MIGRATIONS)


def pending(db: sqlite3.Connection) -> list[Migration]:
    return migrations.pending(db, SQLITE, MIGRATIONS)


def migrate(db: sqlite3.Connection) -> list[str]:
    """Apply every pending migration in order, inside the caller's transaction; returns their names."""
    return migrations.migrate(db, SQLITE, MIGRATIONS)
