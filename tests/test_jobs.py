"""The SQLite job queue and its typed door (engine.jobs): claiming is atomic across processes, leases expire and are taken again, a job fails
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


# -- the typed door: engine.jobs ------------------------------------------------------------------------------
def test_the_job_door_types_requests_and_results(tmp_path: Path) -> None:
    from veracity.engine import Engine
    from veracity.errors import NotFound
    from veracity.jobs import CheckRequest, CheckResult, IngestRequest, JobRecord
    from veracity.settings import Settings

    engine = Engine(Settings.load(db=tmp_path / "door.db"))
    jobs = engine.jobs
    for bad, why in ((CheckRequest("  "), "needs a question"), (CheckRequest("a?", as_of="2024-02-30"), "real date"),
                     (CheckRequest("x" * 5000), "max_question_chars")):
        with pytest.raises(InputError, match=why):
            jobs.submit_check(bad)
    job = jobs.submit_check(CheckRequest("Was the plan approved?", as_of="2024-01-31", llm=False))
    assert isinstance(job, JobRecord) and job.kind == "check" and job.state == "queued" and job.result is None
    assert job.request == CheckRequest("Was the plan approved?", "2024-01-31", None, False) and job.question == job.request.question
    assert engine.store.job(job.id).payload == {"question": "Was the plan approved?", "as_of": "2024-01-31",
                                                "web": None, "llm": False}  # the JSON a worker reads
    assert jobs.queue_position(job.id) == 1 and [e.kind for e in jobs.events(job.id)] == ["queued"]
    with pytest.raises(NotFound, match="no ingest with id"):
        jobs.job(job.id, "ingest")
    with pytest.raises(NotFound, match="no job with id"):
        jobs.job("nope")
    claimed = engine.store.claim_job("w", lease_s=30)
    assert claimed is not None and engine.store.finish_job(claimed.id, "w", CheckResult("abc123", "supported").to_json())
    done = jobs.job(job.id, "check")
    assert done.result == CheckResult("abc123", "supported") and done.verdict == "supported" and done.ended
    assert not jobs.cancel(job.id)  # it has ended

    ingest = jobs.submit_ingest(IngestRequest(uploads=("0a1b2c3d-notes.txt",)))
    assert engine.store.job(ingest.id).payload == {"uploads": ["0a1b2c3d-notes.txt"]} and ingest.question is None
    assert jobs.cancel(ingest.id) and jobs.job(ingest.id).state == "cancelled"
    for bad_ingest, why in ((IngestRequest(), "needs"), (IngestRequest(uploads=("../etc/passwd",)), "plain file name")):
        with pytest.raises(InputError, match=why):
            jobs.submit_ingest(bad_ingest)
    assert jobs.counts() == {"queued": 0, "running": 0, "done": 1, "failed": 0, "cancelled": 1}
    engine.close()


def test_find_checks_pages_and_refuses_bad_filters(tmp_path: Path) -> None:
    from veracity.engine import Engine
    from veracity.jobs import CheckRequest
    from veracity.settings import Settings

    engine = Engine(Settings.load(db=tmp_path / "door.db"))
    jobs = engine.jobs
    ids = [jobs.submit_check(CheckRequest(f"question {i} about ICE" if i % 2 else f"question {i}")).id for i in range(5)]
    first = jobs.find_checks(limit=2)
    assert [j.id for j in first.jobs] == [ids[4], ids[3]] and first.next_cursor == ids[3]
    rest = jobs.find_checks(limit=2, cursor=first.next_cursor)
    assert [j.id for j in rest.jobs] == [ids[2], ids[1]] and rest.next_cursor == ids[1]
    assert jobs.find_checks(limit=2, cursor=rest.next_cursor).next_cursor is None
    assert [j.id for j in jobs.find_checks(q="ice").jobs] == [ids[3], ids[1]]
    assert jobs.find_checks(verdict="supported").jobs == ()
    for kwargs, why in (({"verdict": "true"}, "use one of"), ({"limit": 0}, "between 1 and 200"),
                        ({"cursor": "nope"}, "not a check of this server")):
        with pytest.raises(InputError, match=why) as caught:
            jobs.find_checks(**kwargs)  # type: ignore[arg-type]
        assert type(caught.value) is InputError  # a bad request (400), not a missing thing (404)
    engine.close()


def test_ingest_batches_split_by_size(tmp_path: Path) -> None:
    from veracity.jobs import ingest_batches

    folder = tmp_path / "docs"
    folder.mkdir()
    for name, size in (("a.txt", 600_000), ("b.txt", 600_000), ("c.md", 300_000), ("d.bin", 10)):
        (folder / name).write_text("x" * size)
    batches = ingest_batches([folder, tmp_path / "missing.txt"], 1.0)
    assert batches.files == 3 and len(batches.missing) == 1 and "missing.txt" in batches.missing[0][0]
    assert len(batches.ignored) == 1 and "d.bin" in batches.ignored[0]
    assert [[Path(p).name for p in r.paths] for r in batches.requests] == [["a.txt"], ["b.txt", "c.md"]]
    assert all(Path(p).is_absolute() for r in batches.requests for p in r.paths)
    assert ingest_batches([tmp_path / "missing.txt"], 1.0).requests == ()
