"""The httpx fetcher: async, `web_concurrency` pages at once and at most 2 per host, every request through the
SSRF guard (and the proxy the environment names, if any: proxy.py), robots.txt obeyed (protego), at most 5
redirects each checked again, bytes and time limited, TLS always verified, and the page read with trafilatura (HTML; its metadata finds the date with htmldate) or pypdf (every page of a PDF).
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit

import httpx

from ..version import __version__
from ..factcheck import ClaimReview, parse_claim_reviews
from ..ingest.encoding import decode_html, header_charset
from .base import (Blocked, Known, NotAllowed, Page, PageOutcome, Paywalled, Refused, Timeout, TooLarge,
                   Unextractable, Unusable)
from .guard import GuardedTransport, Policy, RefusedURL, Resolver, check_url, system_resolver
from .run import run_async

AGENT = "veracity"
USER_AGENT = f"veracity/{__version__} (fact-checking engine; +https://github.com/veracity-fact-check/veracity)"
MAX_REDIRECTS = 5
PER_HOST = 2
MIN_WORDS = 20
ROBOTS_MAX_BYTES = 512_000
CAPTCHA = re.compile(r"captcha|are you a robot|are you human|verify you are (a )?human|access denied|"
                     r"unusual traffic|cf-challenge|checking your browser", re.IGNORECASE)
PAYWALL = re.compile(r"subscribe to (continue|read)|subscribers only|for subscribers|to continue reading,? "
                     r"(please )?(subscribe|log in|sign in)|already a subscriber|create a free account to (read|continue)",
                     re.IGNORECASE)
TYPES = {"text/html": "html", "application/xhtml+xml": "html", "application/pdf": "pdf", "text/plain": "text"}


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Download:
    url: str
    final_url: str
    status: int
    headers: dict[str, str]
    body: bytes
    content_type: str


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

    def fetch(self, urls: Sequence[str], *, known: dict[str, Known] | None = None) -> list[PageOutcome]:
        return run_async(self.fetch_async(list(urls), known or {}))

    async def fetch_async(self, urls: list[str], known: dict[str, Known]) -> list[PageOutcome]:
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

    async def page(self, url: str, known: Known | None) -> PageOutcome:
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
        if isinstance(got, (Unusable, Page)):
            return got
        return await asyncio.to_thread(read, got)

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

    async def download(self, url: str, known: Known | None) -> Download | PageOutcome:
        trail = [url]  # the URLs requested, redirects included
        try:
            return await self._download(url, known, trail)
        except RefusedURL as exc:
            if len(trail) > 1:
                raise RefusedURL(f"redirect {len(trail) - 1} to {trail[-1]}: {exc}") from exc
            raise

    async def _download(self, url: str, known: Known | None, trail: list[str]) -> Download | PageOutcome:
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
                    return replace(known.page, revalidated=True, fetched_at=now())
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
                return Download(url=url, final_url=current, status=response.status_code,
                                headers={k.lower(): v for k, v in response.headers.items()}, body=b"".join(chunks),
                                content_type=kind)
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


Article = tuple[str, str, str | None, str | None, str | None, tuple[ClaimReview, ...]]


def html_article(got: Download, host: str | None) -> Article | Blocked | Unextractable | Paywalled:
    """An HTML page's article (title, text, author, publisher, published, its ClaimReview markup), or why it
    cannot be used: a captcha or access-denied page, a subscription wall, no article text."""
    html = decode_html(got.body, header_charset(got.headers.get("content-type", "")))
    head = html[:30_000]
    extracted = read_html(html, got.final_url)
    if extracted is None:
        if CAPTCHA.search(head):
            return Blocked(got.url, "a captcha or access-denied page", got.status)
        return Unextractable(got.url, "no article text found in the HTML", got.status)
    title, text, author, publisher, published = extracted
    reviews = tuple(replace(r, url=r.url or got.final_url, publisher=r.publisher or publisher or host,
                            published=r.published or published) for r in parse_claim_reviews(html))
    words = len(text.split())
    if words < 150 and CAPTCHA.search(head):
        return Blocked(got.url, "a captcha or access-denied page", got.status)
    if words < 250 and PAYWALL.search(html):
        return Paywalled(got.url, "the page shows a subscription wall instead of the article", got.status)
    return title, text, author, publisher, published, reviews


def read(got: Download) -> PageOutcome:
    """Extract a downloaded page: its main text and metadata, or the reason it cannot be used."""
    base = dict(url=got.url, final_url=got.final_url, status=got.status, headers=got.headers,
                content_type=got.content_type, content_hash=hashlib.sha256(got.body).hexdigest(), fetched_at=now(),
                etag=got.headers.get("etag"), last_modified=got.headers.get("last-modified"))
    host = urlsplit(got.final_url).hostname or None
    reviews: tuple[ClaimReview, ...] = ()
    try:
        if got.content_type == "pdf" or got.body[:5] == b"%PDF-":
            title, text, published = read_pdf(got.body)
            author = publisher = None
            base["content_type"] = "pdf"
        elif got.content_type == "text":
            text = decode_html(got.body, header_charset(got.headers.get("content-type", "")))
            title = next((ln.strip() for ln in text.splitlines() if ln.strip()), got.final_url)[:300]
            author = publisher = published = None
        else:
            article = html_article(got, host)
            if not isinstance(article, tuple):
                return article
            title, text, author, publisher, published, reviews = article
    except Exception as exc:  # pypdf, lxml and trafilatura raise many unrelated types on broken input
        return Unextractable(got.url, f"could not be read ({type(exc).__name__}: {exc})", got.status)
    if len(text.split()) < MIN_WORDS:
        return Unextractable(got.url, f"too little text ({len(text.split())} words)", got.status)
    return Page(text=text, title=(title or got.final_url)[:300], author=author, publisher=publisher or host,
                published=published, claim_reviews=reviews, **base)  # type: ignore[arg-type]


def read_html(html: str, url: str) -> tuple[str, str, str | None, str | None, str | None] | None:
    """(title, text, author, publisher, published) of a fetched page, read as a local HTML file is
    (ingest/extract.py html_article), or None when it has no article text."""
    from ..ingest.extract import html_article

    article = html_article(html, url)
    if article is None:
        return None
    return article.title, article.text, article.author, article.publisher, article.published


def read_pdf(data: bytes) -> tuple[str, str, str | None]:
    """(title, text of every page, published) of a PDF."""
    import io
    import logging

    from pypdf import PdfReader

    from ..ingest.extract import parse_date

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join((page.extract_text() or "") for page in reader.pages)
    info = reader.metadata
    title = str(info.get("/Title") or "").strip() if info else ""
    created = str(info.get("/CreationDate") or "") if info else ""
    published = None
    if re.match(r"D:\d{8}", created):
        published = parse_date(f"{created[2:6]}-{created[6:8]}-{created[8:10]}")
    return title, text, published
