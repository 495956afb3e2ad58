"""The SQLite job queue: claiming is atomic across processes, leases expire and are taken again, a job fails
after its last attempt, events are numbered per job."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

import pytest

from veracity.errors import InputError
from veracity.store.sqlite import SqliteStore


def test_claim_finish_and_events(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "q.db")
    first = store.add_job("check", {"question": "a?"})
    second = store.add_job("ingest", {"paths": []})
    assert first.state == "queued" and store.queue_position(first.id) == 1 and store.queue_position(second.id) == 2
    job = store.claim_job("w1", lease_s=30)
    assert job is not None and job.id == first.id and job.state == "running" and job.attempts == 1
    assert job.lease_owner == "w1" and store.queue_position(first.id) is None and store.queue_position(second.id) == 1
    assert store.claim_job("w2", lease_s=30, kinds=("check",)) is None  # only the ingest is left
    assert not store.finish_job(job.id, "w2", {"check_id": "x"})  # not w2's lease
    assert store.finish_job(job.id, "w1", {"check_id": "abc"})
    done = store.job(job.id)
    assert done.state == "done" and done.result == {"check_id": "abc"} and done.lease_owner is None
    assert [(e.seq, e.kind) for e in store.events(job.id)] == [(1, "queued"), (2, "started"), (3, "done")]
    assert [e.seq for e in store.events(job.id, after=2)] == [3]
    assert [j.id for j in store.jobs()] == [second.id, first.id]
    assert [j.id for j in store.jobs(before=second.id)] == [first.id]
    assert [j.id for j in store.jobs(kind="check", states=("done",))] == [first.id]
    assert store.job_counts() == {"queued": 1, "running": 0, "done": 1, "failed": 0, "cancelled": 0}
    with pytest.raises(InputError, match="no job"):
        store.job("nope")


def test_expired_lease_is_taken_again_and_fails_after_three_attempts(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "q.db")
    job = store.add_job("check", {"question": "a?"})
    for attempt in (1, 2, 3):
        taken = store.claim_job(f"w{attempt}", lease_s=0.05)
        assert taken is not None and taken.id == job.id and taken.attempts == attempt
        assert not store.renew_lease(job.id, f"w{attempt - 1}", 30)  # an older worker lost it
        time.sleep(0.08)
    assert store.claim_job("w4", lease_s=30) is None  # the third expiry ends it
    failed = store.job(job.id)
    assert failed.state == "failed" and "3 attempts" in (failed.error or "")
    assert not store.finish_job(job.id, "w3", {})


def test_fail_job_requeues_then_fails(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "q.db")
    job = store.add_job("check", {"question": "a?"})
    for attempt in (1, 2, 3):
        taken = store.claim_job("w", lease_s=30)
        assert taken is not None and taken.attempts == attempt
        after = store.fail_job(job.id, "w", f"boom {attempt}")
        assert after.state == ("failed" if attempt == 3 else "queued") and after.error == f"boom {attempt}"
    assert store.events(job.id)[-1].kind == "failed"


def test_cancel(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "q.db")
    queued, running = store.add_job("check", {}), store.add_job("check", {})
    assert store.cancel_job(queued.id)
    taken = store.claim_job("w", lease_s=30)
    assert taken is not None and taken.id == running.id
    assert store.cancel_job(running.id) and not store.cancel_job(running.id)
    assert not store.renew_lease(running.id, "w", 30) and not store.finish_job(running.id, "w", {})
    assert store.job(running.id).state == "cancelled"


def _claim_all(db: str, worker: str, out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    store = SqliteStore(db)
    taken = []
    while (job := store.claim_job(worker, lease_s=60)) is not None:
        taken.append(job.id)
        assert store.finish_job(job.id, worker, {"by": worker})
    out.put(taken)


def test_claiming_is_atomic_across_processes(tmp_path: Path) -> None:
    db = str(tmp_path / "q.db")
    store = SqliteStore(db)
    ids = {store.add_job("check", {"i": i}).id for i in range(60)}
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    procs = [ctx.Process(target=_claim_all, args=(db, f"p{i}", out)) for i in range(3)]
    for p in procs:
        p.start()
    taken = [out.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(timeout=30)
    every = [job_id for batch in taken for job_id in batch]
    assert len(every) == len(ids) and set(every) == ids  # each job once, none lost
    assert all(store.job(i).attempts == 1 and store.job(i).state == "done" for i in ids)
