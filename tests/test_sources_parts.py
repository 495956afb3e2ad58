"""Hand-written parts replaced or made safe (issue 24, items 31 and 32): the search circuit breaker under
threads, and ClaimReview markup found by an HTML parser."""

from __future__ import annotations

import json
import threading
import time

from veracity.factcheck import parse_claim_reviews
from veracity.sources.base import BadResponse
from veracity.sources.chain import Breaker

REVIEW = {"@context": "https://schema.org", "@type": "ClaimReview", "claimReviewed": "The bridge opened in 1937.",
          "author": {"@type": "Organization", "name": "PolitiFact"},
          "reviewRating": {"@type": "Rating", "alternateName": "Mostly False"}}


class SlowDict(dict):  # type: ignore[type-arg]
    """A dict whose reads take a while, so that two threads are inside is_open at once."""

    def get(self, key, default=None):
        value = super().get(key, default)
        time.sleep(0.02)
        return value


def test_threads_past_the_cooldown_do_not_break_the_breaker():
    breaker = Breaker(threshold=1, cooldown_s=0.0, opened_at=SlowDict())
    errors: list[BaseException] = []

    def ask() -> None:
        try:
            start.wait()
            breaker.is_open("searxng")
        except BaseException as exc:  # a KeyError from a second `del` would fail a check
            errors.append(exc)

    for _ in range(5):
        breaker.failed("searxng", BadResponse("down", backend="searxng"))
        assert "searxng" in breaker.opened_at
        start = threading.Barrier(8)
        threads = [threading.Thread(target=ask) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
        assert errors == []
        assert "searxng" not in breaker.opened_at and breaker.failures["searxng"] == 0  # half-open once


def page_with(script_open: str) -> str:
    return (f"<!doctype html><html><head><title>Fact check</title>{script_open}{json.dumps(REVIEW)}</script>"
            "</head><body><p>Article.</p></body></html>")


def test_claim_review_markup_is_found_however_the_script_type_is_written():
    for opening in ("<script type=application/ld+json>",
                    '<script type="application/ld+json; charset=utf-8">',
                    "<SCRIPT TYPE='Application/LD+JSON'>",
                    '<script id="schema" type = "application/ld+json" nonce="x">'):
        [review] = parse_claim_reviews(page_with(opening))
        assert (review.claim, review.rating, review.publisher) == ("The bridge opened in 1937.", "Mostly False",
                                                                   "PolitiFact"), opening


def test_only_json_ld_scripts_are_read():
    for opening in ('<script type="application/json">', "<script>", '<script type="text/ld+json-not">'):
        assert parse_claim_reviews(page_with(opening)) == [], opening
    # a JSON-LD block quoted inside another script's string or a comment is not markup
    assert parse_claim_reviews("<html><body><!-- <script type=\"application/ld+json\">"
                               f"{json.dumps(REVIEW)}</script> --><p>x</p></body></html>") == []
    assert parse_claim_reviews("") == [] and parse_claim_reviews("plain words, no markup") == []


def test_ddgs_is_pinned_and_its_private_engine_still_has_what_the_provider_uses():
    """Issue 24, item 33: DuckDuckGoSearch drives ddgs's private engine class (ddgs.engines.duckduckgo), so ddgs
    is pinned to one version, the one installed, and an upgrade must pass this and the provider tests in
    tests/test_web.py (which search through it against the local server)."""
    import inspect
    import re
    from importlib.metadata import version
    from pathlib import Path

    from ddgs.engines.duckduckgo import Duckduckgo

    pyproject = (Path(__file__).resolve().parent.parent / "pyproject.toml").read_text()
    pins = set(re.findall(r'"ddgs==([\d.]+)"', pyproject))
    assert pins == {version("ddgs")}, f"ddgs pins {pins} and installed {version('ddgs')} differ"
    assert set(re.findall(r'"ddgs\s*([<>=!~]+)', pyproject)) == {"=="}, "every ddgs requirement is an exact pin"
    assert {"proxy", "timeout", "verify"} <= set(inspect.signature(Duckduckgo).parameters)
    engine = Duckduckgo(proxy=None, timeout=1, verify=True)
    assert isinstance(engine.search_url, str) and callable(engine.search)


def test_ddgs_throttling_is_a_rate_limit_not_an_empty_answer():
    """DuckDuckGo answers a throttled keyless search with 202 and no results: through ddgs that is None, which
    the provider reports as RateLimited (a loopback server stands in for DuckDuckGo)."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    import pytest

    from veracity.sources.base import RateLimited
    from veracity.sources.providers import DuckDuckGoSearch

    class Throttled(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(202)
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Throttled)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        provider = DuckDuckGoSearch(url=f"http://127.0.0.1:{server.server_address[1]}/html/", timeout_s=5)
        with pytest.raises(RateLimited, match="throttles"):
            provider.search("chicago police", max_results=5)
    finally:
        server.shutdown()
        server.server_close()


def test_a_fetched_page_is_dated_by_trafilatura_wherever_the_date_sits():
    """Issue 24, item 33: the htmldate fallback after trafilatura is gone; trafilatura's own metadata (htmldate
    with extensive search) dates the page from a <time>, a meta tag, JSON-LD, a byline, an <abbr> or the URL."""
    from veracity.ingest.extract import html_article

    body = "<p>" + "The city council voted on the new budget after a long debate about the parks. " * 6 + "</p>"

    def page(head: str = "", before: str = "") -> str:
        return (f"<html><head><title>Budget vote</title>{head}</head><body><article><h1>Budget vote</h1>{before}"
                f"{body}</article></body></html>")

    cases = {
        "time": (page(before='<time datetime="2025-03-14">March 14</time>'), "https://news.example/budget"),
        "meta": (page('<meta property="article:published_time" content="2025-03-14T08:00:00Z">'),
                 "https://news.example/budget"),
        "json-ld": (page('<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": '
                         '"2025-03-14"}</script>'), "https://news.example/budget"),
        "byline": (page(before='<p class="byline">Published on March 14, 2025</p>'), "https://news.example/budget"),
        "abbr": (page(before='<abbr class="published" title="2025-03-14">Mar 14</abbr>'), "https://news.example/b"),
        "url": (page(), "https://news.example/2025/03/14/budget-vote"),
    }
    for where, (html, url) in cases.items():
        extracted = html_article(html, url)
        assert extracted is not None and extracted.published == "2025-03-14", where
    undated = html_article(page(), "https://news.example/budget")
    assert undated is not None and undated.published is None


def test_a_fetched_page_and_the_same_bytes_as_a_file_read_alike(tmp_path):
    """The fetcher returns bytes and headers (Fetched); ingest/extract.py reads them as it reads a file."""
    import io

    from veracity.ingest.extract import read_html, read_page
    from veracity.sources.base import Fetched, Page, Unextractable

    html = ("<html><head><title>Budget vote</title><meta property=\"article:published_time\" content=\"2025-03-14\">"
            "</head><body><article><h1>Budget vote</h1><p>" + "The city council voted on the new budget after a "
            "long debate about the parks. " * 6 + "</p></article></body></html>").encode()
    got = Fetched(url="https://news.example/budget", final_url="https://news.example/budget", status=200,
                  headers={"content-type": "text/html; charset=utf-8", "etag": '"v1"'}, body=html,
                  content_type="html", fetched_at="2025-03-15T00:00:00+00:00")
    page = read_page(got)
    path = tmp_path / "budget.html"
    [document] = list(read_html(path, io.BytesIO(html)))
    assert isinstance(page, Page)
    assert (page.title, page.text, page.published) == (document.title, document.text, document.published)
    assert (page.etag, page.fetched_at, page.content_type) == ('"v1"', got.fetched_at, "html")
    thin = read_page(Fetched(url="u", final_url="https://x.example/", status=200, headers={}, body=b"hello",
                             content_type="text", fetched_at=""))
    assert isinstance(thin, Unextractable) and "too little text" in thin.reason
