"""Numbered schema migrations: a store made by the released 0.1.0 (schema 1) upgrades in place."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from veracity.errors import StoreError
from veracity.store import sqlite_migrations
from veracity.store.sqlite import SqliteStore

from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"

SCHEMA1 = FIXTURES / "store-schema1-v0.1.0.db"


def test_migrations_are_numbered_in_order_without_gaps():
    numbers = [sqlite_migrations.number(m) for m in sqlite_migrations.MIGRATIONS]
    assert numbers == list(range(1, len(numbers) + 1))
    assert all(m.__name__.startswith(f"m{n:03d}_") for n, m in zip(numbers, sqlite_migrations.MIGRATIONS))


def test_a_schema_1_store_from_0_1_0_upgrades_and_keeps_its_documents(tmp_path):
    db = tmp_path / "old.db"
    shutil.copy(SCHEMA1, db)
    before = sqlite3.connect(db)
    assert before.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == ("1",)
    n_docs, n_passages = (before.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("documents", "passages"))
    before.close()

    store = SqliteStore(db)
    assert store.counts()["documents"] == n_docs == 3
    assert store.counts()["passages"] == n_passages
    applied = {r[0] for r in store.db.execute("SELECT name FROM migrations")}
    assert applied == {m.__name__ for m in sqlite_migrations.MIGRATIONS}
    version = store.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0]
    assert int(version) == sqlite_migrations.LATEST
    # m002 rebuilt the full-text index with titles and filled the MinHash band index for the old documents
    hits = store.lexical("Chicago ICE", 5)
    assert hits and all(pid in store.passages([pid]) for pid, _ in hits)
    assert store.db.execute("SELECT COUNT(DISTINCT document_id) FROM minhash_bands").fetchone()[0] == 3
    store.close()
    # opening again applies nothing twice
    again = SqliteStore(db)
    assert again.db.execute("SELECT COUNT(*) FROM migrations").fetchone()[0] == len(sqlite_migrations.MIGRATIONS)
    again.close()


def test_a_read_only_old_store_says_how_to_upgrade(tmp_path):
    db = tmp_path / "old.db"
    shutil.copy(SCHEMA1, db)
    db.chmod(0o444)
    try:
        with pytest.raises(StoreError, match="open it once writable"):
            SqliteStore(db)
    finally:
        db.chmod(0o644)


def test_the_engine_says_which_migrations_opening_the_store_applied(tmp_path):
    from veracity.engine import Engine
    from veracity.settings import Settings
    from veracity.store import sqlite_migrations

    first = Engine(Settings.load(db=tmp_path / "s.db"))
    every = tuple(sorted(m.__name__ for m in sqlite_migrations.MIGRATIONS))
    assert first.schema().applied == every and sorted(first.schema().applied_on_open) == list(every)
    first.close()
    again = Engine(Settings.load(db=tmp_path / "s.db"))
    assert again.schema().applied == every and again.schema().applied_on_open == ()
    again.close()
