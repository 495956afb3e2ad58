"""The SQLite store's job queue (the JobQueue seam of store/base.py).

Every change of a job's state happens inside one BEGIN IMMEDIATE transaction, which takes SQLite's write lock
before reading: two workers (threads or processes) that claim at once are serialised, so a job is taken by one
of them only. Times are ISO 8601 UTC with microseconds, all the same length, so they compare as text.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime, timedelta, timezone
from typing import Any

from ..errors import InputError, StoreError
from .base import JOB_STATES, LEASE_EXPIRED, Job, JobEvent

COLUMNS = "id, kind, payload, state, attempts, created_at, updated_at, lease_owner, lease_expires_at, result, error"
ENDED = ("done", "failed", "cancelled")


def now(plus_s: float = 0.0) -> str:
    return (datetime.now(timezone.utc) + timedelta(seconds=plus_s)).isoformat(timespec="microseconds")


def _job(row: tuple[Any, ...]) -> Job:
    return Job(id=row[0], kind=row[1], payload=json.loads(row[2]), state=row[3], attempts=row[4],
               created_at=row[5], updated_at=row[6], lease_owner=row[7], lease_expires_at=row[8],
               result=None if row[9] is None else json.loads(row[9]), error=row[10])


class SqliteJobs:
    """Mixed into SqliteStore, which supplies the connection, the transaction and the writable check."""

    db: sqlite3.Connection
    path: str
    read_only: bool
    _transaction: Callable[[], AbstractContextManager[None]]  # SqliteStore's BEGIN IMMEDIATE ... COMMIT

    def _write(self) -> AbstractContextManager[None]:
        """BEGIN IMMEDIATE ... COMMIT (SqliteStore._transaction), refused on a read-only store."""
        if self.read_only:
            raise StoreError(f"store {self.path} is read-only; make it writable or give another --db", backend="sqlite")
        return self._transaction()

    def _event(self, job_id: str, kind: str, data: dict[str, Any]) -> JobEvent:
        seq = int(self.db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM job_events WHERE job_id=?",
                                  (job_id,)).fetchone()[0])
        created = now()
        self.db.execute("INSERT INTO job_events (job_id, seq, kind, data, created_at) VALUES (?, ?, ?, ?, ?)",
                        (job_id, seq, kind, json.dumps(data, ensure_ascii=False), created))
        return JobEvent(job_id=job_id, seq=seq, kind=kind, data=data, created_at=created)

    def _get(self, job_id: str) -> Job | None:
        row = self.db.execute(f"SELECT {COLUMNS} FROM jobs WHERE id=?", (job_id,)).fetchone()
        return None if row is None else _job(row)

    def add_job(self, kind: str, payload: dict[str, Any]) -> Job:
        job_id, stamp = secrets.token_hex(8), now()
        try:
            with self._write():
                self.db.execute("INSERT INTO jobs (id, kind, payload, state, attempts, created_at, updated_at) "
                                "VALUES (?, ?, ?, 'queued', 0, ?, ?)",
                                (job_id, kind, json.dumps(payload, ensure_ascii=False), stamp, stamp))
                self._event(job_id, "queued", {"kind": kind})
        except sqlite3.OperationalError as exc:
            raise StoreError(f"cannot add a job to {self.path}: {exc}", backend="sqlite") from exc
        return self.job(job_id)

    def claim_job(self, worker: str, *, lease_s: float, kinds: tuple[str, ...] = ("check", "ingest"),
                  max_attempts: int = 3) -> Job | None:
        marks = ",".join("?" * len(kinds))
        with self._write():
            stamp = now()
            spent = self.db.execute(
                f"SELECT id, attempts FROM jobs WHERE state='running' AND lease_expires_at < ? AND attempts >= ? "
                f"AND kind IN ({marks})", (stamp, max_attempts, *kinds)).fetchall()
            for job_id, attempts in spent:
                error = f"its worker stopped (lease expired) on each of {attempts} attempts"
                self.db.execute("UPDATE jobs SET state='failed', error=?, lease_owner=NULL, lease_expires_at=NULL, "
                                "updated_at=? WHERE id=?", (error, stamp, job_id))
                self._event(job_id, "failed", {"error": error, "attempts": attempts})
            row = self.db.execute(
                f"SELECT id, state, attempts FROM jobs WHERE kind IN ({marks}) AND (state='queued' OR "
                f"(state='running' AND lease_expires_at < ?)) ORDER BY n LIMIT 1", (*kinds, stamp)).fetchone()
            if row is None:
                return None
            if row[1] == "running":  # its worker stopped: the attempt ends as a failed one does
                self._event(row[0], "retry", {"error": LEASE_EXPIRED, "attempts": row[2]})
            self.db.execute("UPDATE jobs SET state='running', attempts=attempts+1, lease_owner=?, lease_expires_at=?, "
                            "updated_at=? WHERE id=?", (worker, now(lease_s), stamp, row[0]))
            job = self._get(row[0])
            assert job is not None
            self._event(job.id, "started", {"worker": worker, "attempt": job.attempts})
        return job

    def renew_lease(self, job_id: str, worker: str, lease_s: float) -> bool:
        with self._write():
            cur = self.db.execute("UPDATE jobs SET lease_expires_at=? WHERE id=? AND state='running' AND "
                                  "lease_owner=?", (now(lease_s), job_id, worker))
        return cur.rowcount == 1

    def finish_job(self, job_id: str, worker: str, result: dict[str, Any]) -> bool:
        with self._write():
            cur = self.db.execute("UPDATE jobs SET state='done', result=?, lease_owner=NULL, lease_expires_at=NULL, "
                                  "updated_at=? WHERE id=? AND state='running' AND lease_owner=?",
                                  (json.dumps(result, ensure_ascii=False), now(), job_id, worker))
            if cur.rowcount == 1:
                self._event(job_id, "done", result)
        return cur.rowcount == 1

    def fail_job(self, job_id: str, worker: str, error: str, *, max_attempts: int = 3) -> Job:
        with self._write():
            job = self._get(job_id)
            if job is None:
                raise InputError(f"no job with id {job_id!r}")
            if job.state == "running" and job.lease_owner == worker:
                final = job.attempts >= max_attempts
                self.db.execute("UPDATE jobs SET state=?, error=?, lease_owner=NULL, lease_expires_at=NULL, "
                                "updated_at=? WHERE id=?", ("failed" if final else "queued", error, now(), job_id))
                self._event(job_id, "failed" if final else "retry", {"error": error, "attempts": job.attempts})
        return self.job(job_id)

    def cancel_job(self, job_id: str) -> bool:
        with self._write():
            cur = self.db.execute("UPDATE jobs SET state='cancelled', lease_owner=NULL, lease_expires_at=NULL, "
                                  "updated_at=? WHERE id=? AND state IN ('queued', 'running')", (now(), job_id))
            if cur.rowcount == 1:
                self._event(job_id, "cancelled", {})
        return cur.rowcount == 1

    def job(self, job_id: str) -> Job:
        job = self._get(job_id)
        if job is None:
            raise InputError(f"no job with id {job_id!r}")
        return job

    def jobs(self, *, kind: str | None = None, states: tuple[str, ...] | None = None, limit: int = 50,
             before: str | None = None, question: str | None = None, verdict: str | None = None) -> list[Job]:
        where, args = [], []  # type: list[str], list[Any]
        if question:
            where.append("instr(casefold(json_extract(payload, '$.question')), ?) > 0")
            args.append(question.casefold())
        if verdict:
            where.append("json_extract(result, '$.verdict') = ?")
            args.append(verdict)
        if kind is not None:
            where.append("kind=?")
            args.append(kind)
        if states:
            unknown = [s for s in states if s not in JOB_STATES]
            if unknown:
                raise InputError(f"unknown job state {unknown[0]!r}; use one of {', '.join(JOB_STATES)}")
            where.append(f"state IN ({','.join('?' * len(states))})")
            args += states
        if before is not None:
            where.append("n < (SELECT n FROM jobs WHERE id=?)")
            args.append(before)
        sql = f"SELECT {COLUMNS} FROM jobs" + (f" WHERE {' AND '.join(where)}" if where else "") + " ORDER BY n DESC LIMIT ?"
        return [_job(r) for r in self.db.execute(sql, (*args, limit)).fetchall()]

    def queue_position(self, job_id: str) -> int | None:
        row = self.db.execute("SELECT n, state, kind FROM jobs WHERE id=?", (job_id,)).fetchone()
        if row is None or row[1] != "queued":
            return None
        return int(self.db.execute("SELECT COUNT(*) FROM jobs WHERE state='queued' AND n <= ?",
                                   (row[0],)).fetchone()[0])

    def add_event(self, job_id: str, kind: str, data: dict[str, Any]) -> JobEvent:
        with self._write():
            return self._event(job_id, kind, data)

    def events(self, job_id: str, after: int = 0) -> list[JobEvent]:
        rows = self.db.execute("SELECT job_id, seq, kind, data, created_at FROM job_events WHERE job_id=? AND seq > ? "
                               "ORDER BY seq", (job_id, after)).fetchall()
        return [JobEvent(job_id=r[0], seq=r[1], kind=r[2], data=json.loads(r[3]), created_at=r[4]) for r in rows]

    def job_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(JOB_STATES, 0)
        for state, n in self.db.execute("SELECT state, COUNT(*) FROM jobs GROUP BY state"):
            counts[state] = int(n)
        return counts
