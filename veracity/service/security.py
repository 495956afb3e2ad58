"""Security for the service: the Host check, the API token, CSRF tokens for forms, same-origin writes, rate
limits, headers."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
import threading
import time
from collections import deque
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ..errors import ConfigError

if TYPE_CHECKING:
    from starlette.requests import Request

    from ..settings import Settings

CSRF_COOKIE = "veracity_csrf"
SESSION_COOKIE = "veracity_session"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin", "X-Frame-Options": "DENY"}


class ServiceError(Exception):
    """An error with its HTTP status and a short code; the message says how to fix it."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}


MIN_TOKEN_CHARS = 32
LOCAL_NAMES = ("localhost", "127.0.0.1", "::1")
ANY_ADDRESS = ("", "0.0.0.0", "::")


def loopback(host: str) -> bool:
    """The address to listen on is loopback only (localhost, 127.0.0.0/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def host_name(header: str) -> str:
    """The host in a Host header, lower case, without its port or a final dot ('[::1]:8750' -> '::1')."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].partition("]")[0]
    if header.count(":") == 1:
        header = header.partition(":")[0]
    return header.rstrip(".")


def is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class HostCheck:
    """Which Host headers the service answers: the address it listens on, localhost, 127.0.0.1, ::1 and the names
    in the setting allowed_hosts; when it listens on every address (0.0.0.0, ::), any IP address too. A page of
    another site whose name resolves to this server (DNS rebinding) sends its own name, and is refused. A
    request without a Host header (HTTP/1.0; no browser sends one) is answered."""

    def __init__(self, bind: str, allowed: tuple[str, ...]) -> None:
        self.bind = bind
        self.names = {*LOCAL_NAMES, host_name(bind), *(host_name(name) for name in allowed)} - {""}
        self.any_address = bind in ANY_ADDRESS

    def allows(self, header: str | None) -> bool:
        if header is None:
            return True
        name = host_name(header)
        return name in self.names or (self.any_address and is_address(name))


def same(a: str, b: str) -> bool:
    """Constant-time comparison of two secrets."""
    return hmac.compare_digest(a.encode(), b.encode())


def check_token(token: str, host: str) -> None:
    """Refuse a guessable API token, and a server beyond loopback without one."""
    if token and (len(token) < MIN_TOKEN_CHARS or token != token.strip()):
        raise ConfigError(f"the API token (api_token, VERACITY_API_TOKEN) is {len(token.strip())} characters "
                          f"{'with spaces around them ' if token != token.strip() else ''}; use {MIN_TOKEN_CHARS} or "
                          f"more, e.g. make one with: python -c \"import secrets; print(secrets.token_urlsafe(32))\"")
    if not loopback(host) and not token:
        raise ConfigError(f"serving on {host} (not loopback) needs an API token: set VERACITY_API_TOKEN or "
                          "api_token in the config file, or serve on 127.0.0.1")


def session_value(token: str, issued: int | None = None) -> str:
    """What the session cookie holds once a person has given the API token on /login (not the token itself):
    the time it was given and an HMAC of that time, keyed with the token."""
    issued = int(time.time()) if issued is None else issued
    mac = hmac.new(token.encode(), f"veracity-session:{issued}".encode(), hashlib.sha256).hexdigest()
    return f"{issued}.{mac}"


def session_ok(cookie: str, token: str, max_age_s: float) -> bool:
    """The cookie was made by session_value with this token, less than max_age_s ago."""
    issued, _, _ = cookie.partition(".")
    if not issued.isdigit() or not -60 <= time.time() - int(issued) < max_age_s:
        return False
    return same(cookie, session_value(token, int(issued)))


def bearer_ok(request: Request, settings: Settings) -> bool:
    """True when no token is configured, or the request carries it (Authorization: Bearer, or an unexpired
    session cookie set by /login)."""
    token = settings.api_token
    if not token:
        return True
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer ") and same(header[7:].strip(), token):
        return True
    cookie = request.cookies.get(SESSION_COOKIE, "")
    return bool(cookie) and session_ok(cookie, token, settings.session_hours * 3600)


def csrf_token(request: Request) -> str:
    """The form token for this browser: the value of its CSRF cookie (set by the middleware)."""
    return str(request.state.csrf)


def new_csrf() -> str:
    return secrets.token_urlsafe(24)


def check_csrf(request: Request, submitted: str | None) -> None:
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if not cookie or not submitted or not same(cookie, submitted):
        raise ServiceError(403, "csrf", "the form's security token is missing or stale; reload the page and "
                                        "submit it again (cookies must be enabled)")


def cross_origin(request: Request) -> bool:
    """A write sent by a page of another site (its Origin is not this host)."""
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return origin == "null"
    return urlsplit(origin).netloc != request.headers.get("host", "")


class RateLimit:
    """Requests per minute per client address, over a sliding minute."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self.seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, client: str) -> float | None:
        """None if allowed, else seconds until the client may try again."""
        if self.per_minute <= 0:
            return None
        now = time.monotonic()
        with self._lock:
            times = self.seen.setdefault(client, deque())
            while times and times[0] <= now - 60:
                times.popleft()
            if len(times) >= self.per_minute:
                return 60 - (now - times[0])
            times.append(now)
            if len(self.seen) > 10_000:  # forget idle clients
                for key in [k for k, v in self.seen.items() if not v]:
                    del self.seen[key]
        return None
