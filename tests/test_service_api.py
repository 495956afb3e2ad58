"""The JSON API against a real uvicorn server on 127.0.0.1, with the demo collection and 2 workers."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

DEMO = "Did Chicago cooperate with ICE?"


def wait_done(client: httpx.Client, job_id: str, timeout_s: float = 120) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        body = client.get(f"/api/checks/{job_id}").json()
        if body["state"] in ("done", "failed", "cancelled"):
            return body
        time.sleep(0.2)
    raise AssertionError(f"check {job_id} did not end within {timeout_s} s")


def read_events(client: httpx.Client, url: str, last: int | None = None) -> list[tuple[str, str, dict]]:
    headers = {"Last-Event-ID": str(last)} if last is not None else {}
    events, current = [], {}
    with client.stream("GET", url, headers=headers, timeout=60) as response:
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            if line.startswith(("id:", "event:", "data:")):
                key, _, value = line.partition(":")
                current[key] = value.strip()
            elif not line and current:
                events.append((current.get("id", ""), current.get("event", "message"), json.loads(current["data"])))
                current = {}
    return events


@pytest.fixture(scope="module")
def client(server):
    with httpx.Client(base_url=server.url, headers=server.auth, timeout=30) as c:
        yield c


@pytest.fixture(scope="module")
def demo_check(client) -> dict:
    created = client.post("/api/checks", json={"question": DEMO})
    assert created.status_code == 202
    body = created.json()
    assert body["status_url"] == f"/api/checks/{body['id']}" and body["events_url"].endswith("/events")
    return body


def test_check_runs_and_returns_the_cli_report(client, demo_check) -> None:
    done = wait_done(client, demo_check["id"])
    assert done["state"] == "done" and done["attempts"] == 1 and done["error"] is None
    report = done["report"]
    assert report["schema_version"] == 1 and report["question"] == DEMO
    assert report["id"] == done["result"]["check_id"] and report["verdict"]["label"] == done["verdict"]
    assert report["sources"] and report["findings"]


def test_events_stream_every_stage_and_resume(client, demo_check) -> None:
    wait_done(client, demo_check["id"])
    events = read_events(client, demo_check["events_url"])
    kinds = [kind for _, kind, _ in events]
    assert kinds[0] == "queued" and kinds[1] == "started" and kinds[-1] == "done"
    assert [data["stage"] for _, kind, data in events if kind == "stage"] == [
        "plan", "gather", "select", "judge", "organise", "write", "verify"]
    assert [int(i) for i, _, _ in events] == list(range(1, len(events) + 1))
    resumed = read_events(client, demo_check["events_url"], last=4)  # a client that saw 1-4 reconnects
    assert [int(i) for i, _, _ in resumed] == list(range(5, len(events) + 1))
    assert resumed == events[4:]


def test_history_search_and_pagination(client, demo_check) -> None:
    wait_done(client, demo_check["id"])
    other = client.post("/api/checks", json={"question": "Did the Chicago police share records with federal agents?"})
    wait_done(client, other.json()["id"])
    found = client.get("/api/checks", params={"q": "records with FEDERAL"}).json()
    assert [c["id"] for c in found["checks"]] == [other.json()["id"]]
    first = client.get("/api/checks", params={"limit": 1}).json()
    assert len(first["checks"]) == 1 and first["next_cursor"] == first["checks"][0]["id"]
    second = client.get("/api/checks", params={"limit": 1, "cursor": first["next_cursor"]}).json()
    assert second["checks"][0]["created_at"] <= first["checks"][0]["created_at"]
    assert second["checks"][0]["id"] != first["checks"][0]["id"]
    verdict = client.get(f"/api/checks/{demo_check['id']}").json()["verdict"]
    by_verdict = client.get("/api/checks", params={"verdict": verdict, "limit": 200}).json()["checks"]
    assert demo_check["id"] in [c["id"] for c in by_verdict] and all(c["verdict"] == verdict for c in by_verdict)


def test_ten_concurrent_checks_all_complete_once(client, server) -> None:
    questions = [f"{DEMO} ({i})" for i in range(10)]
    with ThreadPoolExecutor(10) as pool:
        created = list(pool.map(lambda q: client.post("/api/checks", json={"question": q}), questions))
    assert all(r.status_code == 202 for r in created)
    ids = [r.json()["id"] for r in created]
    assert len(set(ids)) == 10
    done = [wait_done(client, i, timeout_s=180) for i in ids]
    assert all(d["state"] == "done" and d["attempts"] == 1 for d in done)
    assert len({d["result"]["check_id"] for d in done}) == 10
    assert sorted(d["question"] for d in done) == sorted(questions)


def test_cancel_a_queued_check(client) -> None:
    ids = [client.post("/api/checks", json={"question": f"{DEMO} cancel {i}"}).json()["id"] for i in range(4)]
    last = ids[-1]
    response = client.delete(f"/api/checks/{last}")
    if response.status_code == 409:  # the workers were faster than the request; nothing left to cancel
        pytest.skip("the check ended before it could be cancelled")
    assert response.status_code == 200 and response.json()["state"] == "cancelled"
    assert wait_done(client, last)["state"] == "cancelled"
    again = client.delete(f"/api/checks/{last}")
    assert again.status_code == 409 and again.json()["error"]["code"] == "ended"
    for i in ids[:-1]:
        wait_done(client, i)


def test_documents_search_health_metrics(client) -> None:
    docs = client.get("/api/documents").json()["documents"]
    assert len(docs) >= 3 and [d["id"] for d in docs] == sorted(d["id"] for d in docs)
    hits = client.get("/api/search", params={"q": "ICE detainers", "limit": 3}).json()["hits"]
    assert 1 <= len(hits) <= 3 and hits[0]["rank"] == 1
    health = client.get("/healthz").json()
    assert health["status"] == "ok" and health["workers"] == 2 and health["documents"] == len(docs)
    metrics = client.get("/metrics").text
    assert 'veracity_jobs{state="done"}' in metrics and "veracity_check_seconds_count" in metrics
    assert 'veracity_check_seconds_bucket{le="+Inf"}' in metrics


def test_upload_runs_an_ingest_job(client, server) -> None:
    before = len(client.get("/api/documents").json()["documents"])
    text = b"Bridgeport Gazette\n\nThe Bridgeport library opened a new reading room for chess players in 2024.\n"
    created = client.post("/api/documents", files={"files": ("chess-room.txt", text, "text/plain")})
    assert created.status_code == 202
    body = created.json()
    deadline = time.monotonic() + 60
    while (job := client.get(body["status_url"]).json())["state"] in ("queued", "running"):
        assert time.monotonic() < deadline
        time.sleep(0.2)
    assert job["state"] == "done" and job["result"]["added"] == 1 and not job["result"]["skipped"]
    titles = [d["title"] for d in client.get("/api/documents").json()["documents"]]
    assert len(titles) == before + 1


def test_errors_have_one_shape(client) -> None:
    for response, status in ((client.get("/api/checks/nope"), 404), (client.post("/api/checks", json={}), 422),
                             (client.post("/api/checks", json={"question": "  "}), 400),
                             (client.post("/api/checks", json={"question": "x?", "as_of": "soon"}), 400),
                             (client.get("/api/nothing-here"), 404)):
        assert response.status_code == status
        error = response.json()["error"]
        assert set(error) >= {"status", "code", "message"} and error["status"] == status
        assert "Traceback" not in response.text and "\n" not in error["message"]


def test_exports(client, demo_check) -> None:
    wait_done(client, demo_check["id"])
    base = f"/checks/{demo_check['id']}/report"
    markdown, as_json, html = (client.get(f"{base}.{ext}") for ext in ("md", "json", "html"))
    assert markdown.text.startswith(f"# Fact check: {DEMO}") and "attachment" in markdown.headers["content-disposition"]
    assert json.loads(as_json.text)["question"] == DEMO
    assert html.text.startswith("<!doctype html>") and "<script" not in html.text
    assert client.get(f"/checks/{demo_check['id']}/report.exe").status_code == 404
