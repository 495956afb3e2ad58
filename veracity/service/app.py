"""The FastAPI application: shared state, middleware (security headers, rate limit, same-origin writes,
upload size), the one JSON error shape, and the API and page routers."""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from jinja2 import Environment, FileSystemLoader
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import __version__
from ..errors import ConfigError, InputError, NotFound, VeracityError
from ..settings import Settings
from .display import scrub, shown
from .openapi import document, operations
from .state import Service
from .api import router as api_router
from .pages import router as page_router
from .security import CSP, CSRF_COOKIE, HEADERS, ServiceError, bearer_ok, check_token, cross_origin, new_csrf

log = logging.getLogger("veracity.service")
HERE = Path(__file__).parent
UNLIMITED = ("/static/", "/healthz", "/metrics")
OPEN_TO_ALL = ("/static/", "/healthz", "/login", "/logout")  # without the token on a public address


class HeadAsGet:
    """HEAD answers as GET does, without the body (FastAPI's routes take GET only), except on event streams,
    which do not end."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD" or scope["path"].endswith("/events"):
            await self.app(scope, receive, send)
            return

        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, without_body)


class SignIn(Exception):
    """A page asked for without the token on a public address: the browser is sent to /login."""


def error_body(status: int, code: str, message: str, error_id: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"status": status, "code": code, "message": message}
    if error_id:
        body["id"] = error_id
    return {"error": body}


def service_of(request: Request) -> Service:
    svc: Service = request.app.state.service
    return svc


def wants_html(request: Request) -> bool:
    return not request.url.path.startswith(("/api/", "/healthz", "/metrics", "/openapi"))


def error_response(request: Request, status: int, code: str, message: str, error_id: str | None = None,
                   headers: dict[str, str] | None = None) -> Response:
    """The one error shape: JSON for the API, the error page for a page."""
    if wants_html(request):
        templates: Jinja2Templates = request.app.state.templates
        return templates.TemplateResponse(request, "error.html", {"status": status, "message": message,
                                                                   "error_id": error_id},
                                          status_code=status, headers=headers)
    return JSONResponse(error_body(status, code, message, error_id), status_code=status, headers=headers)


async def service_error(request: Request, exc: ServiceError) -> Response:
    return error_response(request, exc.status, exc.code, exc.message, headers=exc.headers)


async def veracity_error(request: Request, exc: VeracityError) -> Response:
    if isinstance(exc, NotFound):
        status, code = 404, "not_found"
    elif isinstance(exc, InputError):
        status, code = 400, "bad_input"
    elif isinstance(exc, ConfigError):
        status, code = 503, "config"
    else:
        status, code = 503, "backend"
    return error_response(request, status, code, scrub(str(exc)))


async def invalid(request: Request, exc: RequestValidationError) -> Response:
    first = exc.errors()[0] if exc.errors() else {}
    where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
    return error_response(request, 422, "invalid", f"{where or 'request'}: {first.get('msg', 'invalid')}")


HTTP_MESSAGES = {404: "no such page or endpoint; the API is described at /docs",
                 405: "this method is not allowed here; the API is described at /docs"}


async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
    return error_response(request, exc.status_code, "http", HTTP_MESSAGES.get(exc.status_code, str(exc.detail)))


def crashed(request: Request, exc: BaseException) -> Response:
    """A 500 shows one line with an id; the traceback goes to the log under that id."""
    error_id = secrets.token_hex(6)
    log.error("error %s on %s %s", error_id, request.method, request.url.path, exc_info=exc)
    return error_response(request, 500, "internal", f"internal error {error_id}; it is in the server's log",
                          error_id)


async def crash(request: Request, exc: Exception) -> Response:
    return crashed(request, exc)  # only for an error outside `guard`; guard answers the rest with its headers


def admit(request: Request) -> None:
    """Raise ServiceError (or SignIn) unless the request may go on: its Host names this server, its client is
    within the rate limit, it carries the token where reads need one, a write comes from this site, an upload
    says its length and keeps to the limit."""
    svc, path = service_of(request), request.url.path
    settings = svc.settings
    if not svc.hosts.allows(request.headers.get("host")):
        raise ServiceError(400, "bad_host", f"this server does not answer to the host name "
                           f"{request.headers.get('host', '')[:100]!r}; if that is its name, add it to the "
                           "setting allowed_hosts (VERACITY_ALLOWED_HOSTS)")
    if not path.startswith(UNLIMITED):
        client = request.client.host if request.client else "unknown"
        wait = svc.limit.allow(client)
        if wait is not None:
            raise ServiceError(429, "rate_limited", f"more than {settings.requests_per_minute} requests a "
                               f"minute from {client}; try again in {wait:.0f} s",
                               {"Retry-After": str(max(1, round(wait)))})
    if svc.public and not path.startswith(OPEN_TO_ALL) and not bearer_ok(request, settings):
        if wants_html(request) and request.method in ("GET", "HEAD"):
            raise SignIn()
        raise ServiceError(401, "unauthorized", f"this server listens on {svc.host}, beyond loopback, so reads "
                           "need its API token too: send 'Authorization: Bearer TOKEN' (pages: sign in on "
                           "/login)", {"WWW-Authenticate": "Bearer"})
    if request.method not in ("GET", "HEAD", "OPTIONS") and cross_origin(request):
        raise ServiceError(403, "cross_origin", "writes are only taken from this site's own pages or "
                                                "from API clients (no Origin header)")
    if request.method == "POST" and path in ("/api/documents", "/collection"):
        length = request.headers.get("content-length", "")
        if not length.isdigit():
            raise ServiceError(411, "length_required", "send the upload with a Content-Length header")
        if int(length) > settings.max_upload_bytes + 65_536:
            raise ServiceError(413, "too_large", f"the upload is {int(length)} bytes; the limit is "
                               f"{settings.max_upload_bytes} (setting max_upload_bytes)")


async def guard(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    """Every request: `admit` it, answer its errors in the one shape, and add the security headers and the CSRF
    cookie to every response."""
    request.state.csrf = request.cookies.get(CSRF_COOKIE) or new_csrf()
    response: Response
    try:
        admit(request)
        response = await call_next(request)
    except SignIn:
        response = RedirectResponse("/login", status_code=303)
    except ServiceError as exc:
        response = error_response(request, exc.status, exc.code, exc.message, headers=exc.headers)
    except Exception as exc:  # answered here, not by Starlette's outermost handler, to carry the headers below
        response = crashed(request, exc)
    for key, value in HEADERS.items():
        response.headers.setdefault(key, value)
    response.headers.setdefault("Content-Security-Policy", CSP)
    if CSRF_COOKIE not in request.cookies:
        response.set_cookie(CSRF_COOKIE, request.state.csrf, httponly=True, samesite="strict",
                            secure=request.url.scheme == "https")
    return response


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """The worker pool runs while the app does."""
    service: Service = app.state.service
    service.pool.start()
    yield
    await run_in_threadpool(service.pool.close)
    service.engine.close()


async def docs(request: Request) -> Response:
    """The API reference, rendered here from the OpenAPI document (nothing loaded from outside)."""
    spec = request.app.openapi()
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, "docs.html", {"spec": spec, "operations": operations(spec)})


def create_app(settings: Settings | None = None, *, workers: int | None = None, host: str = "127.0.0.1") -> FastAPI:
    """The app; its worker pool starts with the app (lifespan). workers=0 runs no jobs (tests of the API). host is
    the address the server listens on: requests must name it, a loopback name or one of allowed_hosts."""
    settings = settings or Settings.load()
    check_token(settings.api_token, host)
    app = FastAPI(title="veracity", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Check a question or claim against your sources. Every error has one shape: "
                              '{"error": {"status", "code", "message", "id"?}}.')
    app.state.service = Service(settings, settings.service_workers if workers is None else workers, host)
    templates = Jinja2Templates(env=Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True))
    templates.env.filters["shown"] = shown
    app.state.templates = templates
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.exception_handler(ServiceError)(service_error)
    app.exception_handler(VeracityError)(veracity_error)
    app.exception_handler(RequestValidationError)(invalid)
    app.exception_handler(StarletteHTTPException)(http_error)
    app.exception_handler(Exception)(crash)
    app.middleware("http")(guard)
    app.add_middleware(HeadAsGet)  # outside guard: guard and the routes see a GET
    app.include_router(api_router)
    app.include_router(page_router)
    app.openapi = lambda: document(app)  # type: ignore[method-assign]  # the errors as they are sent
    app.add_api_route("/docs", docs, methods=["GET"], response_class=HTMLResponse, include_in_schema=False)
    return app
