"""The job door: what a client may ask to run from the store's queue (a check, an ingest), what it reads back, and
`Jobs`, the one way in to the queue (an Engine hands it out: `engine.jobs`). The service and the CLI use only
this; workers (veracity/worker.py) run the jobs.

A request crosses processes and machines as JSON (the job's payload); a result likewise:

- `CheckRequest` {question, as_of, web, llm} -> `CheckResult` {check_id, verdict}. `llm` false writes the report
  extractively even when an LLM is configured; true needs one configured (a client never gives a model URL).
  `web` true needs a search provider configured. The report is saved in the store's checks, as `veracity check`
  saves it (`veracity show CHECK_ID`).
- `IngestRequest` {paths, uploads}: files or folders on the worker's disk, and/or names of files in the service's
  upload folder (setting upload_dir) -> `IngestResult` {files, added, duplicates, passages, skipped: [{path,
  reason}]}. An upload that adds no document (a duplicate, or skipped) is removed from that folder once ingested.

Events: "queued", "started" {worker, attempt}; a check's "stage" {stage, ms} as each pipeline stage ends (plan,
gather, select, judge, organise, write, verify), an ingest's "progress" {file, done, total, percent} (bytes of
input read and embedded over all its files, each time the whole percent moves); then "done" (the result),
"retry" {error, attempts}, "failed" {error, attempts} or "cancelled".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

from .errors import ConfigError, InputError, NotFound
from .labels import VERDICT_LABELS
from .settings import Settings
from .store.base import JOB_STATES, Job, JobQueue

__all__ = ["JOB_STATES", "CheckRequest", "CheckResult", "Event", "IngestBatches", "IngestRequest", "IngestResult",
           "JobPage", "JobRecord", "Jobs", "Skipped", "check_date", "ingest_batches", "upload_dir", "web_ready"]


def check_date(value: str | None, what: str) -> str | None:
    """An as-of date as YYYY-MM-DD, or InputError naming `what` and why."""
    if value is None:
        return None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise InputError(f"{what} {value!r} is not a date; use YYYY-MM-DD")
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise InputError(f"{what} {value!r} is not a real date ({exc})") from exc


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


# -- requests -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CheckRequest:
    """A check to run: the question, an as-of date (YYYY-MM-DD), web (None: as the server's `web` setting says)
    and llm (None: the server's LLM if it has one; False: extractive; True: needs the server's LLM)."""

    kind: ClassVar[str] = "check"
    question: str
    as_of: str | None = None
    web: bool | None = None
    llm: bool | None = None

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> CheckRequest:
        """From a job's JSON, as it is (`checked` says what is wrong with it)."""
        question: Any = payload.get("question")  # checked by `checked`, as the other fields are
        return cls(question, payload.get("as_of"), payload.get("web"), payload.get("llm"))

    def payload(self) -> dict[str, Any]:
        return {"question": self.question, "as_of": self.as_of, "web": self.web, "llm": self.llm}

    def checked(self, settings: Settings) -> CheckRequest:
        """The request with its date normalised, or InputError: the same rules at submit and when a worker runs it."""
        question: object = self.question
        if not isinstance(question, str) or not question.strip():
            raise InputError("a check needs a question: give {\"question\": \"...\"}")
        if len(question) > settings.max_question_chars:
            raise InputError(f"the question is {len(question)} characters; the limit is {settings.max_question_chars} "
                             "(setting max_question_chars)")
        as_of = check_date(self.as_of, "as_of")
        for name, flag in (("web", self.web), ("llm", self.llm)):
            if flag is not None and not isinstance(flag, bool):
                raise InputError(f"{name} is true, false or null")
        if self.web and "web" not in Settings.__dataclass_fields__:
            raise InputError("web sources are not installed in this veracity; leave web out to check the collection")
        if self.web and not web_ready(settings):
            raise InputError("web is true but no search provider is configured on the server (setting "
                             "search_provider, e.g. duckduckgo, or searxng with searxng_url); leave web out to check "
                             "the collection")
        if self.llm and not (settings.llm or settings.gguf):
            raise InputError("llm is true but no LLM is configured on the server (settings llm and llm_model, or gguf)")
        return CheckRequest(question, as_of, self.web, self.llm)


@dataclass(frozen=True)
class IngestRequest:
    """Files to ingest: paths on the worker's disk (files or folders) and names in the upload folder."""

    kind: ClassVar[str] = "ingest"
    paths: tuple[str, ...] = ()
    uploads: tuple[str, ...] = ()

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> IngestRequest:
        paths, uploads = payload.get("paths") or [], payload.get("uploads") or []
        if not isinstance(paths, list) or not isinstance(uploads, list) or not (paths or uploads):
            raise InputError("an ingest job needs {\"paths\": [...]} and/or {\"uploads\": [...]}")
        return cls(tuple(str(p) for p in paths), tuple(str(u) for u in uploads))

    def payload(self) -> dict[str, Any]:
        return {**({"paths": list(self.paths)} if self.paths else {}),
                **({"uploads": list(self.uploads)} if self.uploads else {})}

    def checked(self) -> IngestRequest:
        if not (self.paths or self.uploads):
            raise InputError("an ingest job needs {\"paths\": [...]} and/or {\"uploads\": [...]}")
        for name in self.uploads:
            if Path(name).name != name:
                raise InputError(f"upload {name!r} is not a plain file name")
        return self


# -- results --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CheckResult:
    check_id: str  # the saved check: Engine.report(check_id)
    verdict: str | None

    def to_json(self) -> dict[str, Any]:
        return {"check_id": self.check_id, "verdict": self.verdict}


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str


@dataclass(frozen=True)
class IngestResult:
    files: int
    added: int
    duplicates: int
    passages: int
    skipped: tuple[Skipped, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"files": self.files, "added": self.added, "duplicates": self.duplicates, "passages": self.passages,
                "skipped": [{"path": s.path, "reason": s.reason} for s in self.skipped]}


def _result(kind: str, result: dict[str, Any] | None) -> CheckResult | IngestResult | None:
    if not result:
        return None
    if kind == "check":
        return CheckResult(str(result["check_id"]), result.get("verdict"))
    return IngestResult(int(result["files"]), int(result["added"]), int(result["duplicates"]),
                        int(result["passages"]), tuple(Skipped(str(s["path"]), str(s["reason"]))
                                                       for s in result.get("skipped") or ()))


# -- what a client reads back ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class JobRecord:
    """A job as a client sees it: its request, its state (one of JOB_STATES), and its result once done or the
    reason it failed."""

    id: str
    kind: str  # "check" | "ingest"
    state: str
    attempts: int  # how many times a worker has taken it
    created_at: str  # ISO 8601, UTC
    updated_at: str
    request: CheckRequest | IngestRequest
    result: CheckResult | IngestResult | None = None
    error: str | None = None

    @classmethod
    def of(cls, job: Job) -> JobRecord:
        request: CheckRequest | IngestRequest
        if job.kind == "check":
            request = CheckRequest.from_payload(job.payload)
        else:
            try:
                request = IngestRequest.from_payload(job.payload)
            except InputError:  # a job that failed on its bad payload is still shown
                request = IngestRequest()
        return cls(job.id, job.kind, job.state, job.attempts, job.created_at, job.updated_at, request,
                   _result(job.kind, job.result), job.error)

    @property
    def question(self) -> str | None:
        return self.request.question if isinstance(self.request, CheckRequest) else None

    @property
    def verdict(self) -> str | None:
        return self.result.verdict if isinstance(self.result, CheckResult) else None

    @property
    def ended(self) -> bool:
        return self.state in ("done", "failed", "cancelled")


@dataclass(frozen=True)
class Event:
    """One step of a job, numbered from 1 within it (the SSE event id)."""

    seq: int
    kind: str
    data: dict[str, Any]


@dataclass(frozen=True)
class JobPage:
    jobs: tuple[JobRecord, ...]
    next_cursor: str | None  # the id to give as `cursor` for the next page; None on the last


@dataclass(frozen=True)
class IngestBatches:
    """`veracity ingest --jobs`: the input split into requests of about `batch_mb` each, and what was left out."""

    requests: tuple[IngestRequest, ...]
    files: int
    missing: tuple[tuple[str, str], ...]  # (input, why) for inputs that do not exist
    ignored: tuple[str, ...]  # one line per folder holding files of types veracity does not read


def ingest_batches(paths: list[Path], batch_mb: float) -> IngestBatches:
    """One request per batch of files, in order, each of about batch_mb megabytes of input. The paths are absolute:
    workers elsewhere must see the same files (a shared volume)."""
    from .ingest import expand, size_of

    files, missing, ignored = expand(paths)
    batches: list[list[str]] = [[]]
    size = 0
    for path in files:
        if batches[-1] and size + size_of(path) > batch_mb * 1e6:
            batches.append([])
            size = 0
        batches[-1].append(str(path.resolve()))
        size += size_of(path)
    requests = tuple(IngestRequest(paths=tuple(b)) for b in batches if b)
    return IngestBatches(requests, len(files), tuple(missing), tuple(ignored))


class Jobs:
    """The store's job queue, typed: submit checks and ingests, read a job and its events, cancel, find checks."""

    def __init__(self, queue: JobQueue, settings: Settings) -> None:
        self.queue = queue
        self.settings = settings

    def submit_check(self, request: CheckRequest) -> JobRecord:
        return JobRecord.of(self.queue.add_job(CheckRequest.kind, request.checked(self.settings).payload()))

    def submit_ingest(self, request: IngestRequest) -> JobRecord:
        return JobRecord.of(self.queue.add_job(IngestRequest.kind, request.checked().payload()))

    def job(self, job_id: str, kind: str | None = None) -> JobRecord:
        """The job, or NotFound (also when it is not of `kind`)."""
        job = JobRecord.of(self.queue.job(job_id))
        if kind is not None and job.kind != kind:
            raise NotFound(f"no {kind} with id {job_id!r}")
        return job

    def events(self, job_id: str, after: int = 0) -> list[Event]:
        """The job's events numbered after `after`, in order."""
        return [Event(e.seq, e.kind, e.data) for e in self.queue.events(job_id, after)]

    def queue_position(self, job_id: str) -> int | None:
        """1 for the next queued job to be taken; None when the job is not queued."""
        return self.queue.queue_position(job_id)

    def cancel(self, job_id: str) -> bool:
        """Cancel a queued or running job (a running one stops at the end of its stage); False if it had ended."""
        return self.queue.cancel_job(self.queue.job(job_id).id)

    def recent(self, kind: str, limit: int) -> list[JobRecord]:
        """The newest jobs of a kind, newest first."""
        return [JobRecord.of(j) for j in self.queue.jobs(kind=kind, limit=limit)]

    def find_checks(self, *, q: str = "", verdict: str = "", limit: int = 20, cursor: str | None = None) -> JobPage:
        """Check jobs, newest first, whose question holds q (any case) and whose verdict is `verdict`; a page
        of `limit` (1-200) after the check `cursor`."""
        if verdict and verdict not in VERDICT_LABELS:
            raise InputError(f"verdict {verdict!r}: use one of {', '.join(VERDICT_LABELS)}")
        if not 1 <= limit <= 200:
            raise InputError("limit is between 1 and 200")
        if cursor:
            try:
                self.queue.job(cursor)
            except NotFound:
                raise InputError(f"cursor {cursor[:40]!r} is not a check of this server; give the next_cursor of "
                                 "the previous page, or no cursor for the first") from None
        found = self.queue.jobs(kind="check", limit=limit + 1, before=cursor, question=q.strip() or None,
                                verdict=verdict or None)  # filtered by the store; one more tells if a page follows
        return JobPage(tuple(JobRecord.of(j) for j in found[:limit]), found[limit - 1].id if len(found) > limit else None)

    def counts(self) -> dict[str, int]:
        """How many jobs are in each of JOB_STATES."""
        return self.queue.job_counts()
