"""Jobs survive a crash: kill -9 the server with checks running and queued, start it again, all complete once.
Also `veracity worker` as its own process."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import httpx

from conftest import ROOT, free_port, start_server

DEMO = "Did Chicago cooperate with ICE?"


def states(db) -> dict[str, str]:
    with sqlite3.connect(db) as c:
        return dict(c.execute("SELECT id, state FROM jobs WHERE kind='check'").fetchall())


def test_kill_9_then_restart_finishes_every_check(demo_engine, tmp_path) -> None:
    db = tmp_path / "restart.db"
    shutil.copy(demo_engine.settings.db, db)
    port, log = free_port(), tmp_path / "server.log"
    settings = {"service_workers": "1", "job_lease_s": "2"}
    proc = start_server(db, port, log, **settings)
    url = f"http://127.0.0.1:{port}"
    try:
        ids = [httpx.post(f"{url}/api/checks", json={"question": f"{DEMO} #{i}"}, timeout=10).json()["id"]
               for i in range(6)]
        deadline = time.monotonic() + 60
        while "running" not in states(db).values():
            assert time.monotonic() < deadline, "no check started"
            time.sleep(0.02)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    before = states(db)
    assert "running" in before.values() and "queued" in before.values()  # killed mid-way, with work waiting
    proc = start_server(db, port, log, **settings)
    try:
        deadline = time.monotonic() + 180
        while any(s in ("queued", "running") for s in states(db).values()):
            assert time.monotonic() < deadline, f"checks left unfinished: {states(db)}"
            time.sleep(0.3)
        jobs = [httpx.get(f"{url}/api/checks/{i}", timeout=10).json() for i in ids]
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    assert [j["state"] for j in jobs] == ["done"] * 6
    assert len({j["result"]["check_id"] for j in jobs}) == 6
    interrupted = [j for j in jobs if before[j["id"]] == "running"]
    assert interrupted and all(j["attempts"] == 2 for j in interrupted)  # taken again once its lease expired
    with sqlite3.connect(db) as c:
        saved = {r[0] for r in c.execute("SELECT id FROM checks")}
    assert {j["result"]["check_id"] for j in jobs} <= saved


def test_worker_command_runs_queued_jobs(demo_db_copy) -> None:
    from veracity.store.sqlite import SqliteStore

    store = SqliteStore(demo_db_copy)
    ids = [store.add_job("check", {"question": DEMO}).id, store.add_job("check", {"question": ""}).id]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "VERACITY_CONFIG": str(demo_db_copy.parent / "none.toml")}
    run = subprocess.run([sys.executable, "-m", "veracity.cli", "worker", "--db", str(demo_db_copy), "--once"],
                         env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "ran 2 jobs" in run.stderr
    good, bad = store.job(ids[0]), store.job(ids[1])
    assert good.state == "done" and good.result and store.check(good.result["check_id"]).question == DEMO
    assert bad.state == "failed" and bad.attempts == 1 and "needs a question" in (bad.error or "")
