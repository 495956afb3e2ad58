"""The httpx fetcher: async, `web_concurrency` pages at once and at most 2 per host, every request through the
SSRF guard (and the proxy the environment names, if any: proxy.py), robots.txt obeyed (protego), at most 5
redirects each checked again, bytes and time limited, TLS always verified. It returns what the server sent
(Fetched: bytes and headers); ingest/extract.py reads it into a page, as it reads a file.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit

import httpx

from ..version import __version__
from .base import (Blocked, FetchOutcome, Fetched, Known, NotAllowed, Paywalled, Refused, Timeout, TooLarge,
                   Unextractable, Unusable)
from .guard import GuardedTransport, Policy, RefusedURL, Resolver, check_url, system_resolver
from .run import run_async

AGENT = "veracity"
USER_AGENT = f"veracity/{__version__} (fact-checking engine; +https://github.com/veracity-fact-check/veracity)"
MAX_REDIRECTS = 5
PER_HOST = 2
ROBOTS_MAX_BYTES = 512_000
TYPES = {"text/html": "html", "application/xhtml+xml": "html", "application/pdf": "pdf", "text/plain": "text"}


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class HttpxFetcher:
    name = "httpx"

    def __init__(self, *, timeout_s: float = 10.0, max_bytes: int = 10_000_000, concurrency: int = 8,
                 allow_hosts: Sequence[str] = (), deny_domains: Sequence[str] = (),
                 transport: httpx.AsyncBaseTransport | None = None, resolver: Resolver = system_resolver) -> None:
        self.timeout_s = timeout_s
        self.max_bytes = max_bytes
        self.concurrency = max(1, concurrency)
        self.policy = Policy.from_settings(allow_hosts, deny_domains)
        self._inner = transport  # tests: a recording transport under the guard
        self._resolver = resolver

    def fetch(self, urls: Sequence[str], *, known: dict[str, Known] | None = None) -> list[FetchOutcome]:
        return run_async(self.fetch_async(list(urls), known or {}))

    async def fetch_async(self, urls: list[str], known: dict[str, Known]) -> list[FetchOutcome]:
        transport = GuardedTransport(self.policy, inner=self._inner, resolver=self._resolver)
        async with httpx.AsyncClient(transport=transport, headers={"User-Agent": USER_AGENT},
                                     timeout=httpx.Timeout(self.timeout_s), follow_redirects=False,
                                     trust_env=False) as client:  # the guard reads the proxy variables itself
            run = _Run(self, client)
            return list(await asyncio.gather(*(run.page(url, known.get(url)) for url in urls)))


class _Run:
    """One fetch call: its client, its limits, and the robots.txt files read so far."""

    def __init__(self, fetcher: HttpxFetcher, client: httpx.AsyncClient) -> None:
        self.f = fetcher
        self.client = client
        self.slots = asyncio.Semaphore(fetcher.concurrency)
        self.hosts: dict[str, asyncio.Semaphore] = {}
        self.robots: dict[str, asyncio.Task[object]] = {}

    async def page(self, url: str, known: Known | None) -> FetchOutcome:
        try:
            host, _ = check_url(url, self.f.policy)
        except RefusedURL as exc:
            return Refused(url, str(exc))
        limit = self.hosts.setdefault(host, asyncio.Semaphore(PER_HOST))
        async with limit, self.slots:  # the host's turn first, so a waiting page holds no global slot
            try:
                got = await asyncio.wait_for(self.download(url, known), self.f.timeout_s)
            except (asyncio.TimeoutError, httpx.TimeoutException):
                return Timeout(url, f"no complete answer within {self.f.timeout_s:g} s (web_timeout_s)")
            except RefusedURL as exc:
                return Refused(url, str(exc))
            except httpx.HTTPError as exc:
                return Timeout(url, f"could not be reached ({type(exc).__name__}: {exc})")
            except Exception as exc:  # a server can break HTTP in ways no library names: one page, one line
                return Unextractable(url, f"the answer could not be read ({type(exc).__name__}: {exc})")
        return got

    async def allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self.robots:
            self.robots[origin] = asyncio.ensure_future(self._robots(origin))
        parser = await self.robots[origin]
        if parser is None:
            return True
        if parser is False:
            return False
        return bool(parser.can_fetch(url, AGENT))  # type: ignore[attr-defined]

    async def _robots(self, origin: str) -> object:
        """A protego parser; None when there is no robots.txt (4xx: all allowed); False when it could not be
        read (5xx, unreachable: nothing allowed, as RFC 9309 says). Fetched through the guard, like any page."""
        from protego import Protego

        url = origin + "/robots.txt"
        try:
            for _ in range(MAX_REDIRECTS + 1):
                async with self.client.stream("GET", url) as response:
                    if response.is_redirect and "location" in response.headers:
                        url = urljoin(url, response.headers["location"])
                        continue
                    body = b""
                    async for chunk in response.aiter_bytes():
                        body += chunk
                        if len(body) >= ROBOTS_MAX_BYTES:  # Google reads the first 500 KiB; so do we
                            break
                break
        except httpx.HTTPError:
            return False  # (a RefusedURL goes up: the page itself is refused)
        if 400 <= response.status_code < 500:
            return None
        if response.status_code >= 500 or response.is_redirect:
            return False
        return Protego.parse(body[:ROBOTS_MAX_BYTES].decode("utf-8", errors="replace"))

    async def download(self, url: str, known: Known | None) -> FetchOutcome:
        trail = [url]  # the URLs requested, redirects included
        try:
            return await self._download(url, known, trail)
        except RefusedURL as exc:
            if len(trail) > 1:
                raise RefusedURL(f"redirect {len(trail) - 1} to {trail[-1]}: {exc}") from exc
            raise

    async def _download(self, url: str, known: Known | None, trail: list[str]) -> FetchOutcome:
        current = url
        for hop in range(MAX_REDIRECTS + 1):
            check_url(current, self.f.policy)
            if not await self.allowed(current):
                return NotAllowed(url, f"robots.txt of {urlsplit(current).netloc} disallows {current} for {AGENT}")
            headers = {}
            if known is not None and current == url:
                if known.etag:
                    headers["If-None-Match"] = known.etag
                if known.last_modified:
                    headers["If-Modified-Since"] = known.last_modified
            async with self.client.stream("GET", current, headers=headers) as response:
                if response.is_redirect and "location" in response.headers:
                    if hop == MAX_REDIRECTS:
                        return Unextractable(url, f"more than {MAX_REDIRECTS} redirects", response.status_code)
                    target = urljoin(current, response.headers["location"])
                    try:
                        check_url(target, self.f.policy)
                    except RefusedURL as exc:
                        return Refused(url, f"redirect {hop + 1} to {target}: {exc}")
                    current = target
                    trail.append(target)
                    continue
                if response.status_code == 304 and known is not None:
                    return Fetched(url=url, final_url=current, status=304, headers=lower(response.headers), body=b"",
                                   content_type=known.page.content_type, fetched_at=now(), not_modified=True)
                problem = status_problem(url, response.status_code)
                if problem is not None:
                    return problem
                kind = content_kind(response.headers.get("content-type", ""))
                if kind is None:
                    return Unextractable(url, f"content type {response.headers.get('content-type')!r} is not read "
                                              "(HTML, PDF and plain text only)", response.status_code)
                declared = response.headers.get("content-length", "")
                size = int(declared) if declared.isdigit() else 0
                if size > self.f.max_bytes:
                    return TooLarge(url, f"{size} bytes is over web_max_bytes ({self.f.max_bytes})",
                                    response.status_code)
                chunks, total = [], 0
                async for chunk in response.aiter_bytes():
                    total += len(chunk)
                    if total > self.f.max_bytes:
                        return TooLarge(url, f"more than web_max_bytes ({self.f.max_bytes}) bytes",
                                        response.status_code)
                    chunks.append(chunk)
                return Fetched(url=url, final_url=current, status=response.status_code,
                               headers=lower(response.headers), body=b"".join(chunks), content_type=kind,
                               fetched_at=now())
        return Unextractable(url, f"more than {MAX_REDIRECTS} redirects")


def status_problem(url: str, status: int) -> Unusable | None:
    if status in (401, 403, 429):
        return Blocked(url, f"the server answered HTTP {status}", status)
    if status == 402:
        return Paywalled(url, "the server answered HTTP 402 (payment required)", status)
    if status >= 400:
        return Unextractable(url, f"the server answered HTTP {status}", status)
    if status != 200:
        return Unextractable(url, f"unexpected HTTP {status}", status)
    return None


def content_kind(header: str) -> str | None:
    mime = header.split(";")[0].strip().lower()
    return TYPES.get(mime) if mime else "html"


def lower(headers: httpx.Headers) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()}
