"""Workers: take jobs from the store's queue and run them, one at a time, under a lease.

The service's worker pool (`veracity serve --workers N`) and the `veracity worker` command both use `Worker`.
A worker claims the oldest queued job (or one whose worker stopped and whose lease expired), renews its lease
from a heartbeat thread while it runs, and records the result, or the reason it failed. A job that fails is
queued again until it has had 3 attempts; bad input (InputError, ConfigError) fails at once, since it would
fail the same way again. A cancelled job stops at the end of the stage it is in.

Job kinds and their JSON (the `payload` a client gives, the `result` a finished job holds):

- "check": payload {"question": str, "as_of": "YYYY-MM-DD" | null, "web": bool | null, "llm": bool | null}.
  `llm` false writes the report extractively even when an LLM is configured; true needs one configured
  (the service never takes a model URL from a client). `web` true needs a search provider configured.
  Result {"check_id": str, "verdict": str | null}: the report is saved in the store's checks, as
  `veracity check` saves it (`veracity show CHECK_ID`).
  Events: "queued", "started" {worker, attempt}, "stage" {stage, ms} as each pipeline stage ends (plan,
  gather, select, judge, organise, write, verify), then "done" (the result), "retry" {error, attempts},
  "failed" {error, attempts} or "cancelled".
- "ingest": payload {"paths": [str], "uploads": [str]}: files or folders on the worker's disk, and/or names
  of files in the service's upload folder (setting upload_dir); an upload that adds no document (a duplicate, or
  skipped as unreadable) is removed from that folder once ingested. Result {"files", "added", "duplicates",
  "passages": int, "skipped": [{"path": str, "reason": str}]}, the ingest summary.
  Events: "queued", "started", "progress" {file, done, total, percent} (bytes of input read and embedded, over
  all the job's files, each time the whole percent moves), then "done", "retry", "failed" or "cancelled".
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import fields, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .engine import Engine
from .errors import BackendError, ConfigError, InputError, VeracityError
from .ingest import IngestSummary
from .plugins import registry
from .settings import Settings
from .store.base import CheckRecord, Job, Store

log = logging.getLogger("veracity.worker")
KINDS = ("check", "ingest")
MAX_ATTEMPTS = 3


class JobCancelled(Exception):
    """The job was cancelled, or its lease was lost to another worker, while it ran."""


def upload_dir(settings: Settings) -> Path:
    """Where the service keeps uploaded files for ingest jobs."""
    if settings.upload_dir:
        return Path(settings.upload_dir).expanduser()
    if settings.store == "sqlite":
        return Path(settings.db).parent / "uploads"
    raise ConfigError("set upload_dir (VERACITY_UPLOAD_DIR) to a folder the service and its workers share")


def web_ready(settings: Settings) -> bool:
    """A check may search the web: a search provider is set."""
    return bool(settings.search_provider.strip(" ,"))


def check_payload(payload: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """A check job's payload, validated: the same rules for the API (at submit) and the worker."""
    question = payload.get("question")
    if not isinstance(question, str) or not question.strip():
        raise InputError("a check needs a question: give {\"question\": \"...\"}")
    if len(question) > settings.max_question_chars:
        raise InputError(f"the question is {len(question)} characters; the limit is {settings.max_question_chars} "
                         "(setting max_question_chars)")
    from .engine import check_date

    as_of = check_date(payload.get("as_of"), "as_of")
    for flag in ("web", "llm"):
        if payload.get(flag) is not None and not isinstance(payload.get(flag), bool):
            raise InputError(f"{flag} is true, false or null")
    if payload.get("web") and "web" not in {f.name for f in fields(Settings)}:
        raise InputError("web sources are not installed in this veracity; leave web out to check the collection")
    if payload.get("web") and not web_ready(settings):
        raise InputError("web is true but no search provider is configured on the server (setting search_provider, "
                         "e.g. duckduckgo, or searxng with searxng_url); leave web out to check the collection")
    if payload.get("llm") and not (settings.llm or settings.gguf):
        raise InputError("llm is true but no LLM is configured on the server (settings llm and llm_model, or gguf)")
    return {"question": question, "as_of": as_of, "web": payload.get("web"), "llm": payload.get("llm")}


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
                 on_done: Callable[[Job, float], None] | None = None) -> None:
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
            result = self.run_job(job)
            if self._retrying(lambda: self.queue.finish_job(job.id, self.name, result)) and self._on_done is not None:
                self._on_done(job, (datetime.now(timezone.utc) - started).total_seconds())
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

    def run_job(self, job: Job) -> dict[str, Any]:
        if job.kind == "check":
            return self._check(job)
        if job.kind == "ingest":
            return self._ingest(job)
        raise InputError(f"unknown job kind {job.kind!r}; this worker runs {', '.join(KINDS)}")

    def _check(self, job: Job) -> dict[str, Any]:
        payload = check_payload(job.payload, self.settings)
        overrides: dict[str, Any] = {}
        if payload["llm"] is False:
            overrides.update(llm="", gguf="")
        if payload["web"] is not None and "web" in {f.name for f in fields(Settings)}:
            overrides["web"] = payload["web"]
        engine = self.engine(**overrides)

        def on_stage(stage: str, ms: float) -> None:
            self.queue.add_event(job.id, "stage", {"stage": stage, "ms": ms})
            self._still_ours(job.id)

        # the check's id comes from the job's, so a job run again after its worker died (it may have saved the
        # check already) overwrites that check instead of saving a second one; its web run is kept under it too
        report = engine.check(payload["question"], as_of=payload["as_of"], save=False, on_stage=on_stage,
                              check_id=job.id[:12])
        self._still_ours(job.id)
        from .render.json import to_json

        verdict = report.verdict.label if report.verdict else None
        engine.store.save_check(CheckRecord(id=report.id, question=report.question, created_at=job.created_at,
                                            verdict=verdict, report_json=to_json(report)))
        return {"check_id": report.id, "verdict": verdict}

    def _ingest(self, job: Job) -> dict[str, Any]:
        paths = job.payload.get("paths") or []
        uploads = job.payload.get("uploads") or []
        if not isinstance(paths, list) or not isinstance(uploads, list) or not (paths or uploads):
            raise InputError("an ingest job needs {\"paths\": [...]} and/or {\"uploads\": [...]}")
        uploaded = []
        for name in uploads:
            target = upload_dir(self.settings) / str(name)  # needed (and configured) only for uploads
            if Path(str(name)).name != str(name):
                raise InputError(f"upload {name!r} is not a plain file name")
            uploaded.append(target)
        engine = self.engine()
        progress = self._ingest_progress(job, [Path(str(p)) for p in paths] + uploaded)
        summary = engine.ingest([Path(str(p)) for p in paths], progress.step) if paths else IngestSummary()
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
        return {"files": summary.files, "added": summary.added, "duplicates": summary.duplicates,
                "passages": summary.passages, "skipped": [{"path": p, "reason": r} for p, r in summary.skipped]}

    def _ingest_progress(self, job: Job, inputs: list[Path]) -> IngestProgress:
        from .ingest import expand, size_of

        files = expand(inputs)[0]
        return IngestProgress(lambda data: self.queue.add_event(job.id, "progress", data),
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
