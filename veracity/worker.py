"""Workers: take jobs from the store's queue and run them, one at a time, under a lease.

The service's worker pool (`veracity serve --workers N`) and the `veracity worker` command both use `Worker`.
A worker claims the oldest queued job (or one whose worker stopped and whose lease expired), renews its lease
from a heartbeat thread while it runs, and records the result, or the reason it failed. A job that fails is
queued again until it has had 3 attempts; bad input (InputError, ConfigError) fails at once, since it would
fail the same way again. A cancelled job stops at the end of the stage it is in.

The jobs, their requests, results and events are typed in veracity/jobs.py.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .engine import Engine
from .errors import BackendError, ConfigError, InputError, VeracityError
from .ingest import IngestSummary
from .plugins import registry
from .settings import Settings
from .jobs import CheckRequest, CheckResult, IngestRequest, IngestResult, Skipped, upload_dir
from .store.base import Job, Store

log = logging.getLogger("veracity.worker")
KINDS = ("check", "ingest")
MAX_ATTEMPTS = 3


class JobCancelled(Exception):
    """The job was cancelled, or its lease was lost to another worker, while it ran."""


class IngestProgress:
    """An ingest job's "progress" events, {"file", "done", "total", "percent"} in bytes of input over all its files,
    one each time the whole percent moves (at most 101 a job), so a long upload is seen going. The file is its
    path on the worker's disk; the service shows its name (service/display.py)."""

    def __init__(self, emit: Callable[[dict[str, Any]], object], total: int) -> None:
        self.emit, self.total = emit, total
        self.base = 0  # bytes of the parts (engine.ingest calls) already done
        self.part_total = 0
        self.percent = -1

    def next_part(self) -> None:
        self.base += self.part_total
        self.part_total = 0

    def step(self, path: str, done: int, total: int) -> None:
        self.part_total = total
        done_all = min(self.base + done, self.total) if self.total else 0
        percent = 100 * done_all // self.total if self.total else 100
        if percent != self.percent:
            self.percent = percent
            self.emit({"file": path, "done": done_all, "total": self.total, "percent": percent})


class Worker:
    """Runs jobs from the queue of the store the settings name. One Engine (models loaded once) per variant of
    the settings a job asks for."""

    def __init__(self, settings: Settings, *, name: str | None = None,
                 on_done: Callable[[str, float], None] | None = None) -> None:
        self.settings = settings
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"
        self.lease_s = settings.job_lease_s
        self.queue: Store = registry().store(settings.store, path=settings.db, create=True, settings=settings)
        self._engines: dict[tuple[Any, ...], Engine] = {}
        self._on_done = on_done
        self._current: str | None = None
        self._lost = threading.Event()
        self._stop = threading.Event()
        self._beat = threading.Thread(target=self._heartbeat, name=f"lease-{self.name}", daemon=True)
        self._beat.start()

    # -- the lease ----------------------------------------------------------------------------------
    def _heartbeat(self) -> None:
        store: Store | None = None
        while not self._stop.wait(max(self.lease_s / 3, 0.05)):
            job_id = self._current
            if job_id is None:
                continue
            try:
                store = store or registry().store(self.settings.store, path=self.settings.db, create=True,
                                                        settings=self.settings)
                if not store.renew_lease(job_id, self.name, self.lease_s) and self._current == job_id:
                    self._lost.set()
            except VeracityError as exc:  # the next beat tries again; the lease has slack for that
                log.warning("cannot renew the lease of job %s: %s", job_id, exc)
        if store is not None:
            store.close()

    def _still_ours(self, job_id: str) -> None:
        if self._lost.is_set() or self.queue.job(job_id).state != "running":
            raise JobCancelled(job_id)

    # -- running ------------------------------------------------------------------------------------
    def engine(self, **overrides: Any) -> Engine:
        key = tuple(sorted(overrides.items()))
        if key not in self._engines:
            self._engines[key] = Engine(replace(self.settings, **overrides) if overrides else self.settings)
        return self._engines[key]

    def run_once(self) -> Job | None:
        """Claim one job and run it to its end; None when the queue is empty."""
        job = self.queue.claim_job(self.name, lease_s=self.lease_s, kinds=KINDS, max_attempts=MAX_ATTEMPTS)
        if job is None:
            return None
        self._lost.clear()
        self._current = job.id
        started = datetime.now(timezone.utc)
        try:
            result = self.run_job(job).to_json()
            if self._retrying(lambda: self.queue.finish_job(job.id, self.name, result)) and self._on_done is not None:
                self._on_done(job.kind, (datetime.now(timezone.utc) - started).total_seconds())
        except JobCancelled:
            log.info("job %s was cancelled or taken by another worker; dropped", job.id)
        except (InputError, ConfigError) as exc:
            self.queue.fail_job(job.id, self.name, str(exc), max_attempts=1)
        except Exception as exc:  # any other failure is retried, up to MAX_ATTEMPTS
            if isinstance(exc, VeracityError):
                reason = str(exc)
            else:
                reason = f"{type(exc).__name__}: {exc}"
                log.exception("job %s failed", job.id)
            self.queue.fail_job(job.id, self.name, reason, max_attempts=MAX_ATTEMPTS)
        finally:
            self._current = None
        return self.queue.job(job.id)

    def run_job(self, job: Job) -> CheckResult | IngestResult:
        if job.kind == CheckRequest.kind:
            return self._check(job.id, job.created_at, CheckRequest.from_payload(job.payload).checked(self.settings))
        if job.kind == IngestRequest.kind:
            return self._ingest(job.id, IngestRequest.from_payload(job.payload).checked())
        raise InputError(f"unknown job kind {job.kind!r}; this worker runs {', '.join(KINDS)}")

    def _check(self, job_id: str, created_at: str, request: CheckRequest) -> CheckResult:
        overrides: dict[str, Any] = {}
        if request.llm is False:
            overrides.update(llm="", gguf="")
        if request.web is not None and "web" in Settings.__dataclass_fields__:
            overrides["web"] = request.web
        engine = self.engine(**overrides)

        def on_stage(stage: str, ms: float) -> None:
            self.queue.add_event(job_id, "stage", {"stage": stage, "ms": ms})
            self._still_ours(job_id)

        # the check's id comes from the job's, so a job run again after its worker died (it may have saved the
        # check already) overwrites that check instead of saving a second one; its web run is kept under it too
        report = engine.check(request.question, as_of=request.as_of, save=False, on_stage=on_stage,
                              check_id=job_id[:12])
        self._still_ours(job_id)
        engine.save(report, created_at=created_at)
        return CheckResult(report.id, report.verdict.label if report.verdict else None)

    def _ingest(self, job_id: str, request: IngestRequest) -> IngestResult:
        uploaded = [upload_dir(self.settings) / name for name in request.uploads]  # configured only for uploads
        paths = [Path(p) for p in request.paths]
        engine = self.engine()
        progress = self._ingest_progress(job_id, paths + uploaded)
        summary = engine.ingest(paths, progress.step) if paths else IngestSummary()
        for target in uploaded:  # one at a time: an upload that adds nothing (a duplicate, unreadable) is removed
            progress.next_part()
            one = engine.ingest([target], progress.step)
            summary.files += one.files
            summary.added += one.added
            summary.duplicates += one.duplicates
            summary.passages += one.passages
            summary.skipped += one.skipped
            if one.added == 0:
                target.unlink(missing_ok=True)
        return IngestResult(summary.files, summary.added, summary.duplicates, summary.passages,
                            tuple(Skipped(p, r) for p, r in summary.skipped))

    def _ingest_progress(self, job_id: str, inputs: list[Path]) -> IngestProgress:
        from .ingest import expand, size_of

        files = expand(inputs)[0]
        return IngestProgress(lambda data: self.queue.add_event(job_id, "progress", data),
                              sum(size_of(f) for f in files))

    def _retrying(self, call: Callable[[], Any]) -> Any:
        """call(), again and again while the store is unreachable (a retryable StoreError: a database that is
        down or restarting), logging one line each time; other errors go up."""
        delay = 0.5
        while True:
            try:
                return call()
            except BackendError as exc:
                if not exc.retryable or self._stop.is_set():
                    raise
                log.warning("%s (retrying in %.1f s)", exc, delay)
                self._stop.wait(delay)
                delay = min(delay * 2, 10.0)

    def run(self, *, stop: threading.Event | None = None, max_jobs: int | None = None, once: bool = False,
            poll_s: float = 0.5) -> int:
        """Run jobs until `stop` is set, max_jobs have run, or (once) the queue is empty; returns how many ran.
        While the store is unreachable it logs one line and tries again (backing off up to 10 s): the job it
        held keeps its lease until that expires, and is then taken again, here or by another worker."""
        stop = stop or threading.Event()
        ran = 0
        delay = 0.5
        while not stop.is_set() and (max_jobs is None or ran < max_jobs):
            try:
                done = self.run_once()
            except BackendError as exc:
                if not exc.retryable:
                    raise
                log.warning("%s (retrying in %.1f s)", exc, delay)
                stop.wait(delay)
                delay = min(delay * 2, 10.0)
                continue
            delay = 0.5
            if done is None:
                if once:
                    break
                stop.wait(poll_s)
                continue
            ran += 1
        return ran

    def close(self) -> None:
        self._stop.set()
        self._beat.join(timeout=5)
        for engine in self._engines.values():
            engine.close()
        self.queue.close()
