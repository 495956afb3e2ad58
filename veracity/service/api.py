"""The JSON API. Writes need the API token when one is configured (Authorization: Bearer TOKEN)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Depends, File, Header, Query, Request, UploadFile
from fastapi.responses import JSONResponse, PlainTextResponse
from pydantic import BaseModel, Field
from sse_starlette import EventSourceResponse, ServerSentEvent

from .. import __version__
from ..engine import Engine
from ..jobs import JOB_STATES, CheckRequest, Event, IngestRequest, JobRecord
from .display import scrubbed, shown
from .views import describe, job_links, save_uploads
from .security import ServiceError, bearer_ok
from .state import Service

router = APIRouter()


def service(request: Request) -> Service:
    svc: Service = request.app.state.service
    return svc


def writer(request: Request) -> None:
    """Refuse a write without the API token, when one is configured."""
    if not bearer_ok(request, service(request).settings):
        raise ServiceError(401, "unauthorized", "this server needs its API token for writes: send "
                                                "'Authorization: Bearer TOKEN'", {"WWW-Authenticate": "Bearer"})


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").partition(";")[0].strip().lower()


def sent_as_json(request: Request) -> None:
    """Refuse a body that is not JSON (415), before it is read as one."""
    media = media_type(request)
    if media != "application/json" and not media.endswith("+json"):
        raise ServiceError(415, "unsupported_media_type", f"send the check as JSON, with 'Content-Type: "
                                                          f"application/json' (this request's is {media or 'missing'})")


def sent_as_form(request: Request) -> None:
    media = media_type(request)
    if media != "multipart/form-data":
        raise ServiceError(415, "unsupported_media_type", f"send the files as multipart/form-data in the field "
                                                          f"'files' (this request's type is {media or 'missing'})")


class CheckIn(BaseModel):
    question: str = Field(description="the question or claim to check")
    as_of: str | None = Field(None, description="ignore evidence published after this date (YYYY-MM-DD)")
    web: bool | None = Field(None, description="also search the web (needs web sources installed)")
    llm: bool | None = Field(None, description="false: write extractively; true: use the server's configured LLM")


class Accepted(BaseModel):
    id: str
    status_url: str
    events_url: str


@router.post("/api/checks", status_code=202, response_model=Accepted,
             dependencies=[Depends(writer), Depends(sent_as_json)],
             summary="Queue a check")
async def post_check(body: CheckIn, request: Request) -> dict[str, str]:
    job = await service(request).run(lambda e: e.jobs.submit_check(CheckRequest(**body.model_dump())))
    return {"id": job.id, **job_links(job)}


@router.get("/api/checks", summary="History of checks, newest first")
async def list_checks(request: Request, q: str = Query("", description="words the question holds"),
                      verdict: str = Query("", description="supported, refuted, mixed or not_enough_evidence"),
                      limit: int = Query(20, description="checks per page, 1-200"),
                      cursor: str | None = Query(None, description="next_cursor of the previous page")) -> dict[str, Any]:
    def run(engine: Engine) -> dict[str, Any]:
        page = engine.jobs.find_checks(q=q, verdict=verdict, limit=limit, cursor=cursor)
        return {"checks": [describe(engine, job, report=False) for job in page.jobs], "next_cursor": page.next_cursor}

    return await service(request).run(run)


async def job_of(request: Request, job_id: str, kind: str | None) -> dict[str, Any]:
    return await service(request).run(lambda e: describe(e, e.jobs.job(job_id, kind)))


@router.get("/api/checks/{job_id}", summary="A check's status, and its report when done")
async def get_check(job_id: str, request: Request) -> dict[str, Any]:
    return await job_of(request, job_id, "check")


@router.get("/api/jobs/{job_id}", summary="Any job's status (checks and ingests)")
async def get_job(job_id: str, request: Request) -> dict[str, Any]:
    return await job_of(request, job_id, None)


@router.delete("/api/checks/{job_id}", dependencies=[Depends(writer)], summary="Cancel a queued or running check")
async def cancel_check(job_id: str, request: Request) -> dict[str, Any]:
    def run(engine: Engine) -> dict[str, Any]:
        job = engine.jobs.job(job_id)
        if not engine.jobs.cancel(job.id):
            raise ServiceError(409, "ended", f"check {job_id} has already ended ({job.state}); nothing to cancel")
        return {"id": job.id, "state": "cancelled"}

    return await service(request).run(run)


async def event_stream(request: Request, job_id: str, after: int) -> AsyncIterator[ServerSentEvent]:
    svc = service(request)
    position: int | None = None
    while True:
        def read(engine: Engine, since: int = after) -> tuple[JobRecord, list[Event], int | None]:
            jobs = engine.jobs
            return jobs.job(job_id), jobs.events(job_id, since), jobs.queue_position(job_id)

        job, events, where = await svc.run(read)
        for event in events:
            after = event.seq
            yield ServerSentEvent(data=json.dumps(scrubbed(event.data), ensure_ascii=False), event=event.kind, id=str(event.seq))
        if job.ended and not events:
            return
        if where is not None and where != position:
            position = where
            yield ServerSentEvent(data=json.dumps({"position": where}), event="position")
        if await request.is_disconnected():
            return
        await asyncio.sleep(0.3)


async def events_response(request: Request, job_id: str, last_event_id: str | None) -> EventSourceResponse:
    await job_of(request, job_id, None)  # 404 before the stream starts
    try:
        after = int(last_event_id or 0)
    except ValueError:
        raise ServiceError(400, "bad_input", "Last-Event-ID is the number of the last event received") from None
    return EventSourceResponse(event_stream(request, job_id, after), ping=10)


@router.get("/api/checks/{job_id}/events", summary="Server-sent events: queued, started, stage, done or failed")
async def check_events(job_id: str, request: Request,
                       last_event_id: str | None = Header(None, description="resume after this event")) -> Any:
    return await events_response(request, job_id, last_event_id)


@router.get("/api/jobs/{job_id}/events", summary="Server-sent events of any job")
async def job_events(job_id: str, request: Request, last_event_id: str | None = Header(None)) -> Any:
    return await events_response(request, job_id, last_event_id)


@router.post("/api/documents", status_code=202, response_model=Accepted,
             dependencies=[Depends(writer), Depends(sent_as_form)],
             summary="Upload files to ingest (multipart field 'files'); runs as an ingest job")
async def post_documents(request: Request, files: list[UploadFile] = File(
        ..., description="the files: .txt, .md, .html, .pdf or .jsonl, each up to max_upload_bytes")) -> dict[str, str]:
    svc = service(request)
    names = await svc.run(lambda e: save_uploads(files, e.settings))
    job = await svc.run(lambda e: e.jobs.submit_ingest(IngestRequest(uploads=tuple(names))))
    return {"id": job.id, **job_links(job)}


@router.get("/api/documents", summary="The documents in the collection, in id order")
async def list_documents(request: Request, limit: int = Query(50, description="1-500"),
                         cursor: int = Query(0, description="next_cursor of the previous page")) -> dict[str, Any]:
    if not 1 <= limit <= 500:
        raise ServiceError(400, "bad_input", "limit is between 1 and 500")

    def run(engine: Engine) -> dict[str, Any]:
        docs = engine.documents(limit, cursor)
        return {"documents": [{"id": d.id, "title": d.title, "location": shown(d.location), "publisher": d.publisher,
                               "published": d.published, "group": d.group} for d in docs],
                "next_cursor": docs[-1].id if len(docs) == limit else None}

    return await service(request).run(run)


@router.get("/api/search", summary="Hybrid search of the collection")
async def search(request: Request, q: str = Query(..., description="what to look for"),
                 limit: int = Query(10, description="1-100")) -> dict[str, Any]:
    if not 1 <= limit <= 100:
        raise ServiceError(400, "bad_input", "limit is between 1 and 100")
    if len(q) > service(request).settings.max_question_chars:
        raise ServiceError(400, "bad_input", "the query is longer than max_question_chars")

    def run(engine: Engine) -> dict[str, Any]:
        hits = engine.search(q, limit=limit)
        return {"hits": [{"rank": i, "score": round(h.score, 5), "passage_id": h.passage.id, "text": h.passage.text,
                          "document_id": h.document.id, "title": h.document.title, "location": shown(h.document.location),
                          "published": h.document.published, "start": h.passage.start, "end": h.passage.end}
                         for i, h in enumerate(hits, 1)]}

    return await service(request).run(run)


@router.get("/healthz", summary="Liveness: the store answers and the workers run")
async def healthz(request: Request) -> JSONResponse:
    svc = service(request)
    counts = await svc.run(lambda e: e.counts())
    alive = svc.pool.alive()
    ok = alive == svc.pool.size
    return JSONResponse({"status": "ok" if ok else "degraded", "version": __version__, "workers": alive,
                         "workers_wanted": svc.pool.size, "documents": counts["documents"]},
                        status_code=200 if ok else 503)


@router.get("/metrics", response_class=PlainTextResponse, summary="Prometheus metrics")
async def metrics(request: Request) -> PlainTextResponse:
    svc = service(request)
    counts, jobs = await svc.run(lambda e: (e.counts(), e.jobs.counts()))
    lines = ["# HELP veracity_jobs Jobs in the store's queue, by state.", "# TYPE veracity_jobs gauge"]
    lines += [f'veracity_jobs{{state="{s}"}} {jobs.get(s, 0)}' for s in JOB_STATES]
    lines += ["# HELP veracity_documents Documents in the collection.", "# TYPE veracity_documents gauge",
              f"veracity_documents {counts['documents']}",
              "# HELP veracity_workers Worker threads running.", "# TYPE veracity_workers gauge",
              f"veracity_workers {svc.pool.alive()}",
              "# HELP veracity_check_seconds Time from a worker taking a check to its report (this process).",
              "# TYPE veracity_check_seconds histogram"]
    lines += svc.pool.latency.lines("veracity_check_seconds")
    return PlainTextResponse("\n".join(lines) + "\n", media_type="text/plain; version=0.0.4")
