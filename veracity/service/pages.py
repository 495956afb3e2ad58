"""The web pages: ask, progress, report, history, collection, a source with its quote highlighted, exports.
Server-rendered with Jinja2 (autoescaped); every page reads and works without JavaScript."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from ..engine import Engine
from ..errors import NotFound
from ..jobs import CheckRequest, CheckResult, Event, IngestRequest, JobRecord, web_ready
from ..labels import confidence_words
from ..render import render
from ..render.outline import VERDICT_TITLE, outline, printable
from ..types import VERDICT_LABELS, Document, EvidenceRef, Report
from .display import public_report, scrubbed, shown
from .views import describe, save_uploads
from .security import SESSION_COOKIE, ServiceError, bearer_ok, check_csrf, csrf_token, same, session_value

router = APIRouter(include_in_schema=False)
STAGES = ("plan", "gather", "select", "judge", "organise", "write", "verify")
# what each stage of a check does, in a reader's words (the stage names and timings go in a <details>)
STAGE_WORDS = {"web": "Searching the web", "plan": "Reading your question", "gather": "Searching your collection",
               "select": "Reading the evidence", "judge": "Weighing the evidence", "organise": "Sorting the findings",
               "write": "Writing the report", "verify": "Checking each sentence against its source"}


def took(ms: float) -> str:
    """A stage's time as a person reads it: '16 ms', '2.4 s', '1 min 5 s'."""
    if ms < 1000:
        return f"{ms:.0f} ms"
    if ms < 60_000:
        return f"{ms / 1000:.1f} s"
    return f"{int(ms // 60_000)} min {round(ms % 60_000 / 1000)} s"
EXPORTS = {"md": ("markdown", "text/markdown; charset=utf-8"), "json": ("json", "application/json"),
           "html": ("html", "text/html; charset=utf-8")}
EXPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'"


def page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    svc = request.app.state.service
    base = {"csrf": csrf_token(request), "token_needed": bool(svc.settings.api_token),
            "signed_in": bearer_ok(request, svc.settings), "verdicts": VERDICT_LABELS,
            "verdict_title": VERDICT_TITLE}
    response: Response = request.app.state.templates.TemplateResponse(request, name, {**base, **context},
                                                                       status_code=status)
    return response


def form_guard(request: Request, csrf: str | None) -> None:
    check_csrf(request, csrf)
    if not bearer_ok(request, request.app.state.service.settings):
        raise ServiceError(401, "unauthorized", "this server needs its API token: sign in on /login first")


@dataclass(frozen=True)
class Cite:
    n: int
    href: str
    title: str


@dataclass(frozen=True)
class Line:
    text: str
    cites: tuple[Cite, ...]
    frame: bool = False  # veracity's own words (the answer, "However,"), set apart from the sources' words


def report_view(report: Report, job_id: str, web_found: dict[int, list[str]] | None = None) -> dict[str, Any]:
    """The report's outline (the walk every renderer takes, render/outline.py) with every [n] resolved to a
    link: the exact quote in its source when the sentence has one, else the source in the list. A source's page
    links back to the report (job_id). web_found: the URLs the web found each source at (web_found_at)."""
    sources = {s.id: s for s in report.sources}

    def cites(numbers: tuple[int, ...], evidence: tuple[EvidenceRef, ...] = ()) -> tuple[Cite, ...]:
        out = []
        for n in numbers:
            ref = next((e for e in evidence if e.source == n), None)
            source = sources.get(n)
            if ref is not None and source is not None:
                href = f"/documents/{source.document_id}?start={ref.start}&end={ref.end}&n={n}&check={job_id}#quote"
            else:
                href = f"#source-{n}"
            out.append(Cite(n, href, printable(source.title) if source else f"source {n}"))
        return tuple(out)

    shape = outline(report)
    findings = iter(report.findings)
    sections = []
    for section in shape.sections:
        evidence: list[tuple[EvidenceRef, ...]] = [()] * len(section.text)
        if section.kind == "finding":
            evidence = [s.evidence for s in next(findings).sentences]
        lines = tuple(Line(c.text, cites(c.citations, ev), c.frame) for c, ev in zip(section.text, evidence))
        sections.append({"section": section, "lines": lines})
    verdict = None
    if shape.verdict and report.verdict:
        verdict = {"label": shape.verdict.label, "title": shape.verdict.title, "confidence": shape.verdict.confidence,
                   "words": f"{confidence_words(shape.verdict.confidence)} confidence",
                   "note": shape.verdict.note}
    return {"report": report, "outline": shape, "verdict": verdict, "sections": sections,
            "document_of": {s.id: s.document_id for s in report.sources}, "web_found": web_found or {}}


def web_found_at(engine: Engine, report: Report) -> dict[int, list[str]]:
    """For each source of a web check, the URLs (as shown) of the pages the web gave the check that are this source
    or an independent copy of it: the collection's own copy of a page is still shown as found on the web."""
    found: dict[int, list[str]] = {}
    for source, urls in engine.web_found(report).items():
        for url in map(shown, urls):
            if url.startswith(("http://", "https://")) and url not in found.get(source, []):
                found.setdefault(source, []).append(url)
    return found


def load_report(engine: Engine, job_id: str) -> tuple[JobRecord, Report | None]:
    job = engine.jobs.job(job_id, "check")
    report = None
    if job.state == "done" and isinstance(job.result, CheckResult):
        report = public_report(engine.show(job.result.check_id))
    return job, report


@router.get("/")
async def ask(request: Request) -> Response:
    svc = request.app.state.service
    recent = await svc.run(lambda e: [describe(e, j, report=False) for j in e.jobs.find_checks(limit=8).jobs])
    return page(request, "ask.html", {"recent": recent, "max_chars": svc.settings.max_question_chars,
                                      "web": web_ready(svc.settings)})


@router.post("/checks")
async def post_check(request: Request, question: str = Form(""), as_of: str = Form(""), web: str = Form(""),
                     csrf_token: str = Form("")) -> Response:
    form_guard(request, csrf_token)
    wanted = CheckRequest(question, as_of or None, True if web else None)
    job = await request.app.state.service.run(lambda e: e.jobs.submit_check(wanted))
    return RedirectResponse(f"/checks/{job.id}", status_code=303)


@router.get("/checks/{job_id}")
async def check_page(job_id: str, request: Request) -> Response:
    svc = request.app.state.service

    def run(engine: Engine) -> tuple[JobRecord, Report | None, dict[int, list[str]], list[Event], int | None]:
        job, report = load_report(engine, job_id)
        found = web_found_at(engine, report) if report is not None else {}
        return job, report, found, engine.jobs.events(job_id), engine.jobs.queue_position(job_id)

    job, report, found, events, position = await svc.run(run)
    if report is not None:
        return page(request, "report.html", {"job": job, **report_view(report, job.id, found)})
    done = {e.data["stage"]: e.data["ms"] for e in events if e.kind == "stage"}
    web = job.request.web if isinstance(job.request, CheckRequest) else None
    names = (("web",) if "web" in done or web or (web is None and getattr(svc.settings, "web", False)) else ()) + STAGES
    stages = [{"name": s, "words": STAGE_WORDS[s], "ms": done.get(s), "took": took(done[s]) if s in done else ""}
              for s in names]
    current = next((s["words"] for s in stages if s["ms"] is None), "Finishing")
    return page(request, "progress.html", {"job": job, "stages": stages, "position": position, "current": current,
                                           "last_event": events[-1].seq if events else 0})


@router.post("/checks/{job_id}/cancel")
async def cancel(job_id: str, request: Request, csrf_token: str = Form("")) -> Response:
    form_guard(request, csrf_token)
    await request.app.state.service.run(lambda e: e.jobs.cancel(job_id))
    return RedirectResponse(f"/checks/{job_id}", status_code=303)


@router.get("/checks/{job_id}/report.{ext}")
async def export(job_id: str, ext: str, request: Request) -> Response:
    if ext not in EXPORTS:
        raise ServiceError(404, "not_found", "exports are report.md, report.json and report.html")
    job, report = await request.app.state.service.run(lambda e: load_report(e, job_id))
    if report is None:
        raise ServiceError(409, "not_ready", f"check {job_id} is {job.state}; its report is not ready")
    fmt, media = EXPORTS[ext]
    return Response(render(report, fmt), media_type=media, headers={
        "Content-Disposition": f'attachment; filename="veracity-{report.id}.{ext}"', "Content-Security-Policy": EXPORT_CSP})


@router.get("/history")
async def history(request: Request, q: str = "", verdict: str = "", cursor: str | None = None) -> Response:
    def run(engine: Engine) -> tuple[list[dict[str, Any]], str | None]:
        found = engine.jobs.find_checks(q=q, verdict=verdict, limit=25, cursor=cursor or None)
        return [describe(engine, j, report=False) for j in found.jobs], found.next_cursor

    rows, next_cursor = await request.app.state.service.run(run)
    more = f"/history?q={quote(q)}&verdict={quote(verdict)}&cursor={next_cursor}" if next_cursor else None
    name = "_history_rows.html" if request.headers.get("hx-request") else "history.html"
    return page(request, name, {"rows": rows, "q": q, "verdict": verdict, "more": more})


@router.get("/collection")
async def collection(request: Request, cursor: int = 0) -> Response:
    svc = request.app.state.service

    def run(engine: Engine) -> tuple[list[Document], list[dict[str, Any]], dict[str, int]]:
        docs = engine.documents(100, cursor)
        ingests = []
        for job in engine.jobs.recent("ingest", 5):
            row = describe(engine, job, report=False)
            if job.state == "running":  # how far it has gone: its last progress event
                row["progress"] = next((scrubbed(e.data) for e in reversed(engine.jobs.events(job.id))
                                        if e.kind == "progress"), None)
            ingests.append(row)
        return docs, ingests, engine.counts()

    docs, ingests, counts = await svc.run(run)
    more = f"/collection?cursor={docs[-1].id}" if len(docs) == 100 else None
    return page(request, "collection.html", {"docs": docs, "ingests": ingests, "counts": counts, "more": more,
                                             "max_bytes": svc.settings.max_upload_bytes})


@router.post("/collection")
async def upload(request: Request, files: list[UploadFile] = File(...), csrf_token: str = Form("")) -> Response:
    form_guard(request, csrf_token)
    svc = request.app.state.service
    names = await svc.run(lambda e: save_uploads(files, e.settings))
    await svc.run(lambda e: e.jobs.submit_ingest(IngestRequest(uploads=tuple(names))))
    return RedirectResponse("/collection", status_code=303)


JOB_ID = re.compile(r"[0-9a-f]{6,64}")


@router.get("/documents/{document_id}")
async def document(document_id: int, request: Request, start: int = -1, end: int = -1, n: int = 0,
                   check: str = "") -> Response:
    """A document with the quoted passage marked; `check` (the job whose report cited it) gives a link back."""

    def run(engine: Engine) -> tuple[Document, JobRecord | None]:
        job = None
        if JOB_ID.fullmatch(check):
            try:
                job = engine.jobs.job(check, "check")
            except NotFound:
                job = None
        return engine.document(document_id), job

    doc, job = await request.app.state.service.run(run)
    if not 0 <= start < end <= len(doc.text):
        start = end = 0
    parts = {"before": doc.text[:start], "quote": doc.text[start:end], "after": doc.text[end:]}
    back = f"/checks/{job.id}" + (f"#source-{n}" if n > 0 else "") if job is not None else None
    return page(request, "document.html", {"doc": doc, "n": n, "back": back,
                                           "back_question": job.question if job else None, **parts})


@router.get("/login")
async def login_page(request: Request) -> Response:
    return page(request, "login.html", {})


@router.post("/login")
async def login(request: Request, token: str = Form(""), csrf_token: str = Form("")) -> Response:
    check_csrf(request, csrf_token)
    configured = request.app.state.service.settings.api_token
    if not configured or not same(token, configured):
        raise ServiceError(401, "unauthorized", "that is not this server's API token")
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(SESSION_COOKIE, session_value(configured), httponly=True, samesite="strict",
                        max_age=round(request.app.state.service.settings.session_hours * 3600),
                        secure=request.url.scheme == "https")
    return response


@router.post("/logout")
async def logout(request: Request, csrf_token: str = Form("")) -> Response:
    check_csrf(request, csrf_token)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="strict", secure=request.url.scheme == "https")
    return response
