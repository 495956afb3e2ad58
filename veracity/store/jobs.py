"""The job queue's state machine (the JobQueue seam of store/base.py), one for both stores.

queued -> running (claim_job, under a lease; attempts + 1) -> done (finish_job) | queued again or failed
(fail_job, by attempts) | cancelled (cancel_job, from queued or running). A running job whose lease passed is
taken again by the next claim, or marked failed once it has had max_attempts. Each change is one
transaction that also appends the job's event, so a client that reconnects misses nothing.

Concurrency is the dialect's: SQLite's BEGIN IMMEDIATE takes the write lock before reading, so two workers
that claim at once are serialised; PostgreSQL takes the next job with SELECT ... FOR UPDATE SKIP LOCKED and
locks a job's row before numbering its events, so workers on any machine share one queue. Leases are
measured by the dialect's clock (PostgreSQL's own, so workers with skewed clocks agree).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Any

from ..errors import InputError, NotFound
from .base import JOB_STATES, LEASE_EXPIRED, Job, JobEvent
from .sql import Dialect, Session, iso

COLUMNS = "id, kind, payload, state, attempts, created_at, updated_at, lease_owner, lease_expires_at, result, error"


class SqlJobs:
    """Mixed into a store, which supplies its dialect, `_fetch` and `_writing` (see sql.SqlCore)."""

    dialect: Dialect
    _writing: Callable[[], AbstractContextManager[Session]]
    _fetch: Callable[..., list[Any]]

    def _job(self, row: Sequence[Any]) -> Job:
        out = self.dialect.json_out
        return Job(id=row[0], kind=row[1], payload=out(row[2]), state=row[3], attempts=int(row[4]),
                   created_at=iso(row[5]) or "", updated_at=iso(row[6]) or "", lease_owner=row[7],
                   lease_expires_at=iso(row[8]), result=None if row[9] is None else out(row[9]), error=row[10])

    def _clock(self, plus_s: float = 0.0) -> tuple[str, Any]:
        return self.dialect.clock, self.dialect.clock_arg(plus_s)

    def _event(self, db: Session, job_id: str, kind: str, data: dict[str, Any]) -> JobEvent:
        """Append an event inside the caller's transaction. The job's row is locked first, so two writers of
        one job's events are serialised and seq has no gaps."""
        db.execute(f"SELECT 1 FROM jobs WHERE id=?{self.dialect.lock_rows}", (job_id,))
        seq = int(db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM job_events WHERE job_id=?",
                             (job_id,)).fetchone()[0])
        clock, arg = self._clock()
        db.execute(f"INSERT INTO job_events (job_id, seq, kind, data, created_at) VALUES (?, ?, ?, ?, {clock})",
                   (job_id, seq, kind, self.dialect.json_in(data), arg))
        row = db.execute("SELECT created_at FROM job_events WHERE job_id=? AND seq=?", (job_id, seq)).fetchone()
        return JobEvent(job_id=job_id, seq=seq, kind=kind, data=data, created_at=iso(row[0]) or "")

    def _get(self, db: Session, job_id: str, *, lock: bool = False) -> Job | None:
        row = db.execute(f"SELECT {COLUMNS} FROM jobs WHERE id=?{self.dialect.lock_rows if lock else ''}",
                         (job_id,)).fetchone()
        return None if row is None else self._job(row)

    def add_job(self, kind: str, payload: dict[str, Any]) -> Job:
        job_id = secrets.token_hex(8)
        clock, arg = self._clock()
        with self._writing() as db:
            db.execute(f"INSERT INTO jobs (id, kind, payload, state, attempts, created_at, updated_at) "
                       f"VALUES (?, ?, ?, 'queued', 0, {clock}, {clock})",
                       (job_id, kind, self.dialect.json_in(payload), arg, arg))
            self._event(db, job_id, "queued", {"kind": kind})
            job = self._get(db, job_id)
        assert job is not None
        return job

    def claim_job(self, worker: str, *, lease_s: float, kinds: tuple[str, ...] = ("check", "ingest"),
                  max_attempts: int = 3) -> Job | None:
        clock, now = self._clock()
        kind_is, kind_args = self.dialect.any_of("kind", kinds)
        with self._writing() as db:
            spent = db.execute(f"SELECT id, attempts FROM jobs WHERE state='running' AND lease_expires_at < {clock} "
                               f"AND attempts >= ? AND {kind_is}{self.dialect.skip_locked}",
                               (now, max_attempts, *kind_args)).fetchall()
            for job_id, attempts in spent:
                error = f"its worker stopped (lease expired) on each of {attempts} attempts"
                db.execute(f"UPDATE jobs SET state='failed', error=?, lease_owner=NULL, lease_expires_at=NULL, "
                           f"updated_at={clock} WHERE id=?", (error, now, job_id))
                self._event(db, job_id, "failed", {"error": error, "attempts": attempts})
            free = db.execute(f"SELECT id, state, attempts FROM jobs WHERE {kind_is} AND (state='queued' OR "
                              f"(state='running' AND lease_expires_at < {clock})) ORDER BY n LIMIT 1"
                              f"{self.dialect.skip_locked}", (*kind_args, now)).fetchone()
            if free is None:
                return None
            if free[1] == "running":  # its worker stopped: the attempt ends as a failed one does
                self._event(db, free[0], "retry", {"error": LEASE_EXPIRED, "attempts": free[2]})
            db.execute(f"UPDATE jobs SET state='running', attempts=attempts + 1, lease_owner=?, "
                       f"lease_expires_at={clock}, updated_at={clock} WHERE id=?",
                       (worker, self.dialect.clock_arg(lease_s), now, free[0]))
            job = self._get(db, free[0])
            assert job is not None
            self._event(db, job.id, "started", {"worker": worker, "attempt": job.attempts})
        return job

    def renew_lease(self, job_id: str, worker: str, lease_s: float) -> bool:
        clock, until = self._clock(lease_s)
        with self._writing() as db:
            cur = db.execute(f"UPDATE jobs SET lease_expires_at={clock} WHERE id=? AND state='running' AND "
                             f"lease_owner=?", (until, job_id, worker))
            return bool(cur.rowcount == 1)

    def finish_job(self, job_id: str, worker: str, result: dict[str, Any]) -> bool:
        clock, now = self._clock()
        with self._writing() as db:
            cur = db.execute(f"UPDATE jobs SET state='done', result=?, lease_owner=NULL, lease_expires_at=NULL, "
                             f"updated_at={clock} WHERE id=? AND state='running' AND lease_owner=?",
                             (self.dialect.json_in(result), now, job_id, worker))
            done = bool(cur.rowcount == 1)
            if done:
                self._event(db, job_id, "done", result)
        return done

    def fail_job(self, job_id: str, worker: str, error: str, *, max_attempts: int = 3) -> Job:
        clock, now = self._clock()
        with self._writing() as db:
            job = self._get(db, job_id, lock=True)
            if job is None:
                raise NotFound(f"no job with id {job_id!r}")
            if job.state == "running" and job.lease_owner == worker:
                final = job.attempts >= max_attempts
                db.execute(f"UPDATE jobs SET state=?, error=?, lease_owner=NULL, lease_expires_at=NULL, "
                           f"updated_at={clock} WHERE id=?", ("failed" if final else "queued", error, now, job_id))
                self._event(db, job_id, "failed" if final else "retry", {"error": error, "attempts": job.attempts})
        return self.job(job_id)

    def cancel_job(self, job_id: str) -> bool:
        clock, now = self._clock()
        with self._writing() as db:
            cur = db.execute(f"UPDATE jobs SET state='cancelled', lease_owner=NULL, lease_expires_at=NULL, "
                             f"updated_at={clock} WHERE id=? AND state IN ('queued', 'running')", (now, job_id))
            cancelled = bool(cur.rowcount == 1)
            if cancelled:
                self._event(db, job_id, "cancelled", {})
        return cancelled

    def job(self, job_id: str) -> Job:
        """Raises NotFound when there is no such job."""
        rows = self._fetch(f"SELECT {COLUMNS} FROM jobs WHERE id=?", (job_id,))
        if not rows:
            raise NotFound(f"no job with id {job_id!r}")
        return self._job(rows[0])

    def jobs(self, *, kind: str | None = None, states: tuple[str, ...] | None = None, limit: int = 50,
             before: str | None = None, question: str | None = None, verdict: str | None = None) -> list[Job]:
        """Newest first; `before` is a job id cursor (jobs created before it). `question`: only jobs whose
        payload's question holds it (any case); `verdict`: only jobs whose result's verdict is this."""
        where: list[str] = []
        args: list[Any] = []
        if question:
            where.append(self.dialect.payload_question)
            args.append(self.dialect.fold(question))
        if verdict:
            where.append(f"{self.dialect.verdict_of} = ?")
            args.append(verdict)
        if kind is not None:
            where.append("kind=?")
            args.append(kind)
        if states:
            unknown = [s for s in states if s not in JOB_STATES]
            if unknown:
                raise InputError(f"unknown job state {unknown[0]!r}; use one of {', '.join(JOB_STATES)}")
            sql, values = self.dialect.any_of("state", states)
            where.append(sql)
            args += values
        if before is not None:
            where.append("n < (SELECT n FROM jobs WHERE id=?)")
            args.append(before)
        sql = f"SELECT {COLUMNS} FROM jobs" + (f" WHERE {' AND '.join(where)}" if where else "") + " ORDER BY n DESC LIMIT ?"
        return [self._job(r) for r in self._fetch(sql, (*args, limit))]

    def queue_position(self, job_id: str) -> int | None:
        """1 for the next queued job to be taken; None when the job is not queued."""
        rows = self._fetch("SELECT CASE WHEN j.state = 'queued' THEN (SELECT COUNT(*) FROM jobs q WHERE "
                           "q.state = 'queued' AND q.n <= j.n) END FROM jobs j WHERE j.id = ?", (job_id,))
        if not rows:
            raise NotFound(f"no job with id {job_id!r}")
        return int(rows[0][0]) if rows[0][0] is not None else None

    def add_event(self, job_id: str, kind: str, data: dict[str, Any]) -> JobEvent:
        with self._writing() as db:
            if db.execute("SELECT 1 FROM jobs WHERE id=?", (job_id,)).fetchone() is None:
                raise NotFound(f"no job with id {job_id!r}")
            return self._event(db, job_id, kind, data)

    def events(self, job_id: str, after: int = 0) -> list[JobEvent]:
        """The job's events with seq > after, in order."""
        rows = self._fetch("SELECT job_id, seq, kind, data, created_at FROM job_events WHERE job_id=? AND seq > ? "
                           "ORDER BY seq", (job_id, after))
        return [JobEvent(job_id=r[0], seq=int(r[1]), kind=r[2], data=self.dialect.json_out(r[3]),
                         created_at=iso(r[4]) or "") for r in rows]

    def job_counts(self) -> dict[str, int]:
        """How many jobs are in each of JOB_STATES (every state present, 0 when none)."""
        rows = self._fetch("SELECT state, COUNT(*) FROM jobs GROUP BY state")
        return dict.fromkeys(JOB_STATES, 0) | {state: int(n) for state, n in rows}
