"""What the API and the pages both do with jobs: submit, describe, list with filters, save uploads."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import UploadFile

from ..engine import Engine
from ..errors import InputError
from ..ingest.extract import SUFFIXES
from ..settings import Settings
from ..store.base import Job
from ..types import VERDICT_LABELS
from ..render.json import from_json, to_dict
from ..worker import check_payload, upload_dir
from .display import public_report, scrub, scrubbed
from .security import ServiceError

ENDED = ("done", "failed", "cancelled")


def submit_check(engine: Engine, payload: dict[str, Any]) -> Job:
    return engine.store.add_job("check", check_payload(payload, engine.settings))


def job_links(job: Job) -> dict[str, str]:
    base = "/api/checks" if job.kind == "check" else "/api/jobs"
    return {"status_url": f"{base}/{job.id}", "events_url": f"{base}/{job.id}/events"}


def describe(engine: Engine, job: Job, *, report: bool = True) -> dict[str, Any]:
    """A job as the API shows it; a finished check carries its report (the JSON schema of `veracity check`, with
    file names for server paths)."""
    out: dict[str, Any] = {
        "id": job.id, "kind": job.kind, "state": job.state, "attempts": job.attempts,
        "created_at": job.created_at, "updated_at": job.updated_at,
        "queue_position": engine.store.queue_position(job.id) if job.state == "queued" else None,
        "question": job.payload.get("question"), "error": scrub(job.error) if job.error else job.error,
        "result": scrubbed(job.result), **job_links(job)}
    if job.kind == "check":
        out["verdict"] = (job.result or {}).get("verdict")
        if report:
            out["report"] = None
            if job.state == "done" and job.result:
                out["report"] = to_dict(public_report(from_json(engine.store.check(job.result["check_id"]).report_json)))
    return out


@dataclass(frozen=True)
class Page:
    jobs: list[Job]
    next_cursor: str | None


def find_checks(engine: Engine, *, q: str = "", verdict: str = "", limit: int = 20, cursor: str | None = None) -> Page:
    """Check jobs, newest first, whose question holds q (any case) and whose verdict is `verdict`."""
    if verdict and verdict not in VERDICT_LABELS:
        raise ServiceError(400, "bad_input", f"verdict {verdict!r}: use one of {', '.join(VERDICT_LABELS)}")
    if not 1 <= limit <= 200:
        raise ServiceError(400, "bad_input", "limit is between 1 and 200")
    if cursor:
        try:
            engine.store.job(cursor)
        except InputError:
            raise ServiceError(400, "bad_input", f"cursor {cursor[:40]!r} is not a check of this server; give the "
                                                 "next_cursor of the previous page, or no cursor for the first") from None
    found = engine.store.jobs(kind="check", limit=limit + 1, before=cursor, question=q.strip() or None,
                              verdict=verdict or None)  # filtered by the store; one more tells if a page follows
    return Page(found[:limit], found[limit - 1].id if len(found) > limit else None)


SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def save_uploads(files: list[UploadFile], settings: Settings) -> list[str]:
    """Copy uploaded files into the upload folder, refusing other types and files over the size limit; the
    names to give an ingest job."""
    if not files:
        raise ServiceError(400, "bad_input", "send at least one file in the multipart field 'files'")
    folder = upload_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    names: list[str] = []
    for upload in files:
        original = Path(upload.filename or "upload").name
        if Path(original).suffix.lower() not in SUFFIXES:
            raise ServiceError(415, "unsupported_type", f"{original!r}: veracity ingests "
                               f"{', '.join(sorted(SUFFIXES))} files")
        name = f"{secrets.token_hex(4)}-{SAFE.sub('_', original)[-100:]}"
        target, size = folder / name, 0
        try:
            with target.open("wb") as out:
                while chunk := upload.file.read(1 << 16):
                    size += len(chunk)
                    if size > settings.max_upload_bytes:
                        raise ServiceError(413, "too_large", f"{original!r} is larger than {settings.max_upload_bytes}"
                                                             " bytes (setting max_upload_bytes)")
                    out.write(chunk)
        except BaseException:
            target.unlink(missing_ok=True)
            for done in names:
                (folder / done).unlink(missing_ok=True)
            raise
        names.append(name)
    return names
