"""Searches on a read replica (setting pg_replica): a real streaming standby of the embedded PostgreSQL server
(pg_basebackup, hot standby), whose replay the tests pause to make it lag."""

from __future__ import annotations

import logging
import uuid
from urllib.parse import urlsplit

import pytest
from test_store_contract import JACCARD

from veracity.engine import Engine
from veracity.plugins import registry
from veracity.search import hybrid
from veracity.settings import Settings
from veracity.store.postgres import PostgresStore


@pytest.fixture(scope="module")
def replica(pg_server):
    made = pg_server.replica(f"replica-{uuid.uuid4().hex[:8]}")
    yield made
    made.close()


@pytest.fixture()
def pair(pg_server, replica):
    """A new database, and the URI of the same database on the replica (once the replica has it)."""
    uri = pg_server.create_database()
    replica.wait_for(pg_server)
    return uri, replica.uri(urlsplit(uri).path.lstrip("/"))


@pytest.fixture()
def filled(pair, prepared):
    """A store on a new database with a replica, holding the contract's documents."""
    uri, replica_uri = pair
    store = PostgresStore(uri, replica=replica_uri)
    store.vector_space("all-MiniLM-L6-v2-int8")
    store.add_documents(prepared, JACCARD)
    yield store
    store.close()


def ids(hits: list[tuple[int, float]]) -> list[int]:
    return [pid for pid, _ in hits]


def test_a_writer_finds_its_own_documents_at_once_and_others_read_the_replica(pg_server, replica, pair, prepared,
                                                                                embedder):
    uri, replica_uri = pair
    writer = PostgresStore(uri, replica=replica_uri)
    writer.vector_space("all-MiniLM-L6-v2-int8")
    other = PostgresStore(uri, replica=replica_uri)  # another worker, which writes nothing
    assert other.lexical("library", 5) == []  # it waits for the replica to be as new as the primary at its start
    replica.wait_for(pg_server)
    assert other.lexical("library", 5) == []  # ... and from then on reads the replica
    replica.pause()  # the replica lags: it has not replayed what follows
    try:
        writer.add_documents(prepared, JACCARD)
        mine = writer.lexical("library Sundays", 5)
        assert mine  # read from the primary: the replica has not replayed the write yet
        assert other.lexical("library Sundays", 5) == [] and other.documents([1]) == {}  # the replica's view
    finally:
        replica.resume()
    replica.wait_for(pg_server)
    assert ids(other.lexical("library Sundays", 5)) == ids(mine)
    plain = PostgresStore(uri)  # no replica: the primary serves everything
    question = "Will the library open on Sundays?"
    assert [h.passage.id for h in hybrid(other, embedder, question, 5)] == \
        [h.passage.id for h in hybrid(plain, embedder, question, 5)]
    # once caught up, the writer reads the replica too: a change made behind its back on the primary (no
    # write of its own) is not seen while the replica is held back
    writer.lexical("library", 1)
    replica.pause()
    try:
        plain.db.execute("DELETE FROM documents")
        assert plain.lexical("library Sundays", 5) == []
        assert ids(writer.lexical("library Sundays", 5)) == ids(mine)
    finally:
        replica.resume()
    replica.wait_for(pg_server)
    assert writer.lexical("library Sundays", 5) == []
    for store in (writer, other, plain):
        store.close()


def test_a_replica_that_is_down_is_logged_and_the_primary_answers(replica, filled, embedder, caplog):
    store = filled
    replica.stop()
    try:
        with caplog.at_level(logging.WARNING, logger="veracity.store"):
            hits = hybrid(store, embedder, "Will the library open on Sundays?", 5)
        assert hits and "Sundays" in hits[0].passage.text
        assert any("cannot search the read replica" in r.getMessage() and "start it or fix pg_replica" in
                   r.getMessage() for r in caplog.records)
    finally:
        replica.start()


def test_searches_go_on_from_the_replica_while_the_primary_is_down(pg_server, replica, filled, embedder):
    store = filled
    replica.wait_for(pg_server)
    before = [h.passage.id for h in hybrid(store, embedder, "flood warning rain", 3)]
    pg_server.stop()
    try:
        assert [h.passage.id for h in hybrid(store, embedder, "flood warning rain", 3)] == before
    finally:
        pg_server.start()


def test_the_setting_reaches_the_store(pair, monkeypatch):
    uri, replica_uri = pair
    monkeypatch.setenv("VERACITY_PG_REPLICA", replica_uri.replace("postgres@", "postgres:secret@"))
    store = registry().store("postgres", path=uri, create=True, settings=Settings.load(db=uri))
    assert isinstance(store, PostgresStore)
    assert store.replica is not None and "secret" not in store.replica and ":***@" in store.replica
    store.close()


def test_the_store_takes_the_settings_it_is_handed(pair, monkeypatch):
    # Engine(Settings(...)) keeps its values: the factory reads no config file or environment of its own
    uri, replica_uri = pair
    monkeypatch.setenv("VERACITY_PG_EF_SEARCH", "77")
    engine = Engine(Settings(db=uri, pg_replica=replica_uri, pg_ef_search=123, pg_candidate_budget=456))
    store = engine.store
    assert isinstance(store, PostgresStore)
    assert (store.replica, store.ef_search, store.candidate_budget) == (replica_uri, 123, 456)
    store.close()
