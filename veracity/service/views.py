"""What the API and the pages both show of a job, and the uploads they save for an ingest job."""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Any

from fastapi import UploadFile

from ..engine import Engine
from ..ingest.extract import SUFFIXES
from ..jobs import CheckResult, JobRecord, upload_dir
from ..render.json import to_dict
from ..settings import Settings
from .display import public_report, scrub, scrubbed
from .security import ServiceError


def job_links(job: JobRecord) -> dict[str, str]:
    base = "/api/checks" if job.kind == "check" else "/api/jobs"
    return {"status_url": f"{base}/{job.id}", "events_url": f"{base}/{job.id}/events"}


def describe(engine: Engine, job: JobRecord, *, report: bool = True) -> dict[str, Any]:
    """A job as the API shows it; a finished check carries its report (the JSON schema of `veracity check`, with
    file names for server paths)."""
    out: dict[str, Any] = {
        "id": job.id, "kind": job.kind, "state": job.state, "attempts": job.attempts,
        "created_at": job.created_at, "updated_at": job.updated_at,
        "queue_position": engine.jobs.queue_position(job.id) if job.state == "queued" else None,
        "question": job.question, "error": scrub(job.error) if job.error else job.error,
        "result": scrubbed(job.result.to_json()) if job.result is not None else None, **job_links(job)}
    if job.kind == "check":
        out["verdict"] = job.verdict
        if report:
            out["report"] = None
            if job.state == "done" and isinstance(job.result, CheckResult):
                out["report"] = to_dict(public_report(engine.show(job.result.check_id)))
    return out


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
