"""The store's capabilities, each a small protocol: documents and search (DocumentStore), the job queue (JobQueue),
the web archive (WebArchive) and the fact-checkers' rulings (ReviewStore). A store backend offers them all
(Store); the Engine hands each caller the one it needs, typed (Engine.jobs, Engine.web_archive, Engine.reviews),
so no caller asks a store what it can do."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from ..factcheck import ClaimReview
from ..types import Document, Passage, Span


@dataclass(frozen=True)
class NewDocument:
    title: str
    location: str
    publisher: str | None
    published: str | None
    content_hash: str
    text: str
    signature: np.ndarray
    passages: list[tuple[int, int, tuple[Span, ...]]]
    passage_vectors: np.ndarray
    sentence_vectors: list[np.ndarray]
    reviews: tuple[ClaimReview, ...] = ()  # a fact-check article's rulings (veracity/factcheck.py)

    def dimension_problem(self, dimension: int) -> str | None:
        """Why this document's vectors do not fit a store of `dimension`, or None."""
        shapes = [np.shape(self.passage_vectors)] + [np.shape(v) for v in self.sentence_vectors]
        wrong = sorted({s[-1] for s in shapes if len(s) != 2 or s[-1] != dimension} - {0})
        if len(self.passage_vectors) != len(self.passages) or len(self.sentence_vectors) != len(self.passages):
            return f"{self.location}: {len(self.passages)} passages but a different number of vectors"
        if wrong:
            return (f"{self.location}: vectors of dimension {wrong[0]}, but the store holds {dimension}; use the "
                    f"embedder that made the store's vectors (`veracity stats` names it) or another --db")
        return None


@dataclass(frozen=True)
class Schema:
    """A store's schema migrations (store/migrations.py): every one it has had, and those applied when this
    store object opened it (`veracity db migrate` says which)."""

    applied: tuple[str, ...]
    applied_on_open: tuple[str, ...] = ()


@dataclass(frozen=True)
class CheckRecord:
    id: str
    question: str
    created_at: str
    verdict: str | None
    report_json: str


JOB_STATES = ("queued", "running", "done", "failed", "cancelled")
LEASE_EXPIRED = "its worker stopped (lease expired); taken again"  # the error of a `retry` event


@dataclass(frozen=True)
class Job:
    """A unit of work in the shared queue (a check or an ingest batch), taken by one worker at a time under a
    lease. `payload` and `result` are JSON-able: they cross processes and machines."""

    id: str
    kind: str  # "check" | "ingest"
    payload: dict[str, Any]
    state: str  # one of JOB_STATES
    attempts: int  # how many times a worker has taken it
    created_at: str  # ISO 8601, UTC
    updated_at: str
    lease_owner: str | None = None  # the worker holding it while running
    lease_expires_at: str | None = None  # a running job whose lease passed is taken again
    result: dict[str, Any] | None = None
    error: str | None = None  # why it failed (the last attempt's reason)


@dataclass(frozen=True)
class JobEvent:
    """One step of a job (a pipeline stage, queued, done, failed), stored so a client that reconnects
    misses nothing. `seq` counts from 1 within its job and is the SSE event id."""

    job_id: str
    seq: int
    kind: str
    data: dict[str, Any]
    created_at: str


class JobQueue(Protocol):
    """The job seam every store offers. On SQLite one machine's workers share it; on PostgreSQL it is taken
    with SELECT ... FOR UPDATE SKIP LOCKED, so workers on any machine share it. No job is lost or done twice:
    a finished job is only recorded by the worker that holds its lease."""

    def add_job(self, kind: str, payload: dict[str, Any]) -> Job: ...
    def claim_job(self, worker: str, *, lease_s: float, kinds: tuple[str, ...] = ("check", "ingest"),
                  max_attempts: int = 3) -> Job | None:
        """The oldest queued job of these kinds, or a running one whose lease expired, now running under
        `worker`'s lease (attempts + 1); an expired job that already had max_attempts is marked failed."""

    def renew_lease(self, job_id: str, worker: str, lease_s: float) -> bool:
        """Extend a lease; False if the worker no longer holds it (expired and taken, or cancelled)."""

    def finish_job(self, job_id: str, worker: str, result: dict[str, Any]) -> bool:
        """Mark done with its result; False (and nothing written) if the worker no longer holds the lease."""

    def fail_job(self, job_id: str, worker: str, error: str, *, max_attempts: int = 3) -> Job:
        """Queue it again, or mark it failed once it has had max_attempts."""

    def cancel_job(self, job_id: str) -> bool:
        """Cancel a queued or running job; False if it had already ended."""

    def job(self, job_id: str) -> Job:
        """Raises NotFound when there is no such job."""

    def jobs(self, *, kind: str | None = None, states: tuple[str, ...] | None = None, limit: int = 50,
             before: str | None = None, question: str | None = None, verdict: str | None = None) -> list[Job]:
        """Newest first; `before` is a job id cursor (jobs created before it). `question`: only jobs whose
        payload's question holds it (any case); `verdict`: only jobs whose result's verdict is this."""

    def queue_position(self, job_id: str) -> int | None:
        """1 for the next queued job to be taken; None when the job is not queued."""

    def job_counts(self) -> dict[str, int]:
        """How many jobs are in each of JOB_STATES (every state present, 0 when none): the service's /metrics."""

    def add_event(self, job_id: str, kind: str, data: dict[str, Any]) -> JobEvent: ...
    def events(self, job_id: str, after: int = 0) -> list[JobEvent]:
        """The job's events with seq > after, in order."""


@dataclass(frozen=True)
class StoredReview:
    """A ClaimReview as the store keeps it: with the document it was read from."""

    document_id: int
    review: ClaimReview


class ReviewStore(Protocol):
    """The fact-checkers' rulings read at ingest, with the documents they were read from."""

    def claim_reviews(self) -> list[StoredReview]: ...
    def documents(self, ids: list[int]) -> dict[int, Document]: ...


class DocumentStore(Protocol):
    """Documents, passages, vectors and saved checks: what ingest, search and a check need."""

    path: str
    read_only: bool
    """True for a store that can be searched and checked but not written (a file without write permission)."""
    concurrent_search: bool
    """True when `lexical` and `dense` may run at the same time from two threads (search then runs them at
    once); False where the store's connection belongs to one thread."""

    def vector_space(self, embedder: str) -> None:
        """Record the embedder of a new store; refuse an embedder other than the one that made its vectors."""

    def has_document(self, content_hash: str) -> bool: ...
    def add_document(self, doc: NewDocument, near_duplicate_jaccard: float) -> int | None: ...
    def add_documents(self, docs: list[NewDocument], near_duplicate_jaccard: float) -> list[int | None]:
        """One transaction; each document's id, or None where one with its content_hash is already stored."""
    def documents(self, ids: list[int]) -> dict[int, Document]: ...
    def list_documents(self, limit: int, after: int = 0) -> list[Document]:
        """Documents with id > after, in id order, without their text (the service's collection listing)."""

    def passages(self, ids: list[int]) -> dict[int, Passage]: ...
    def lexical(self, query: str, limit: int) -> list[tuple[int, float]]: ...
    def dense(self, vector: np.ndarray, limit: int) -> list[tuple[int, float]]: ...
    def sentence_vectors(self, passage_ids: list[int]) -> dict[int, np.ndarray]: ...
    def save_check(self, record: CheckRecord) -> None: ...
    def checks(self, limit: int) -> list[CheckRecord]: ...
    def check(self, check_id: str) -> CheckRecord: ...
    def counts(self) -> dict[str, int]: ...
    def count_as_of(self, as_of: str) -> tuple[int, int, int]:
        """(documents published on or before as_of, undated documents, documents published after it)."""

    def schema(self) -> Schema:
        """The migrations the store has had, and those opening it applied."""

    def close(self) -> None: ...


@dataclass(frozen=True)
class Snapshot:
    """A web page as it was read: one fetch (URL, final URL, status, headers, when) and its content, which is
    stored once per SHA-256 of the raw bytes however often it is fetched."""

    url: str
    final_url: str
    status: int
    headers: dict[str, str]
    content_type: str
    content_hash: str  # SHA-256 of the raw bytes
    text: str  # extracted
    title: str
    author: str | None
    publisher: str | None
    published: str | None
    fetched_at: str
    etag: str | None = None
    last_modified: str | None = None
    document_id: int | None = None  # the document made from it
    id: int = 0  # the fetch's id (0 until stored)


@dataclass(frozen=True)
class SavedSearch:
    id: int
    provider: str
    query: str
    max_results: int
    response: dict[str, Any]  # the SearchResponse as JSON
    fetched_at: str


class WebArchive(Protocol):
    """What a store keeps of the web for caching and replay (both stores have it; migration m004)."""

    def save_search(self, provider: str, query: str, max_results: int, response: dict[str, Any],
                    fetched_at: str) -> int: ...
    def cached_search(self, provider: str, query: str, max_results: int, since: str) -> SavedSearch | None: ...
    def searches(self, ids: list[int]) -> list[SavedSearch]: ...
    def save_snapshot(self, snapshot: Snapshot) -> int:
        """Record a fetch (its content once per content hash); returns the fetch id."""

    def snapshots(self, ids: list[int]) -> list[Snapshot]: ...
    def latest_snapshot(self, url: str) -> Snapshot | None: ...
    def document_ids(self, content_hashes: list[str]) -> dict[str, int]: ...
    def save_web_run(self, check_id: str, record: dict[str, Any]) -> None: ...
    def web_run(self, check_id: str) -> dict[str, Any] | None: ...
    def saved_search_id(self, provider: str, query: str, max_results: int, fetched_at: str) -> int | None:
        """The id of the search response saved with exactly these keys, if any (a rerun of `db copy`)."""

    def fetch_id(self, url: str, fetched_at: str, content_hash: str) -> int | None:
        """The id of the fetch of this URL at this time with this content, if any (a rerun of `db copy`)."""

    def scope_lexical(self, query: str, limit: int, document_ids: list[int]) -> list[tuple[int, float]]: ...
    def scope_vectors(self, document_ids: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """(passage ids, their vectors) of these documents."""


class Store(DocumentStore, JobQueue, WebArchive, ReviewStore, Protocol):
    """What a store backend offers: every capability above (both built-in stores do). A store plugin's factory
    returns one; callers are handed the capability they need."""
