"""Proxies (issue 24.9): the search providers and the page fetcher both go through the proxy that HTTP_PROXY /
HTTPS_PROXY / ALL_PROXY name, and both skip it for NO_PROXY hosts; the fetcher's SSRF guard still judges the page's
address. The proxy is a real one on 127.0.0.1, written below; it forwards only to 127.0.0.0/8."""

from __future__ import annotations

import ipaddress
import select
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

import web_server
from veracity.sources.base import NotAllowed, Page, Refused, Timeout
from veracity.sources.web import fetch_pages
from veracity.sources.fetch import HttpxFetcher
from veracity.sources.providers import DuckDuckGoSearch, SearxngSearch
from veracity.sources.proxy import environment_proxy

PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY",
              "NO_PROXY", "REQUEST_METHOD")


class Proxy(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), ProxyHandler)
        self.seen: list[tuple[str, str]] = []  # (method, target) as the client asked

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


def loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class ProxyHandler(BaseHTTPRequestHandler):
    """A forward proxy (absolute-form requests) with CONNECT, to loopback addresses only."""

    server: Proxy
    protocol_version = "HTTP/1.0"

    def log_message(self, *args: object) -> None:
        pass

    def forward(self) -> None:
        self.server.seen.append((self.command, self.path))
        target = urlsplit(self.path)
        if target.scheme != "http" or not loopback(target.hostname or ""):
            self.send_error(403)
            return
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        path = target.path + (f"?{target.query}" if target.query else "")
        lines = [f"{self.command} {path or '/'} HTTP/1.0"]
        lines += [f"{k}: {v}" for k, v in self.headers.items() if k.lower() not in ("proxy-connection", "connection")]
        with socket.create_connection((target.hostname, target.port or 80), timeout=10) as upstream:
            upstream.sendall(("\r\n".join(lines) + "\r\nConnection: close\r\n\r\n").encode() + body)
            answer = b""
            while chunk := upstream.recv(65536):
                answer += chunk
        # the proxy closes after each answer, so it says so: a client that kept the connection for its next request
        # would find it closed ("Server disconnected without sending a response")
        head, _, rest = answer.partition(b"\r\n\r\n")
        kept = [line for line in head.split(b"\r\n") if not line.lower().startswith(b"connection:")]
        self.wfile.write(b"\r\n".join(kept + [b"Connection: close"]) + b"\r\n\r\n" + rest)

    do_GET = do_POST = do_HEAD = forward

    def do_CONNECT(self) -> None:
        self.server.seen.append(("CONNECT", self.path))
        host, _, port = self.path.rpartition(":")
        if not loopback(host.strip("[]")):
            self.send_error(403)
            return
        upstream = socket.create_connection((host.strip("[]"), int(port)), timeout=10)
        self.send_response(200, "Connection established")
        self.end_headers()
        pair = [self.connection, upstream]
        try:
            while True:
                ready, _, _ = select.select(pair, [], [], 10)
                if not ready:
                    return
                for sock in ready:
                    data = sock.recv(65536)
                    if not data:
                        return
                    (upstream if sock is self.connection else self.connection).sendall(data)
        finally:
            upstream.close()


@pytest.fixture(scope="module")
def web() -> Iterator[web_server.LocalWeb]:
    server = web_server.start()
    yield server
    server.stop()


@pytest.fixture
def proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[Proxy]:
    for name in PROXY_VARS:
        monkeypatch.delenv(name, raising=False)
    server = Proxy()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("HTTP_PROXY", server.url)
    monkeypatch.setenv("HTTPS_PROXY", server.url)
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_environment_proxy_reads_the_standard_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARS:
        monkeypatch.delenv(name, raising=False)
    assert environment_proxy("http://127.0.0.1:9/x") is None
    monkeypatch.setenv("ALL_PROXY", "127.0.0.1:3128")
    assert environment_proxy("https://127.0.0.1:9/x") == "http://127.0.0.1:3128"
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:8888")
    assert environment_proxy("http://127.0.0.1:9/x") == "http://127.0.0.1:8888"
    monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1")
    assert environment_proxy("http://127.0.0.1:9/x") is None
    assert environment_proxy("http://localhost:9/x") is None


def test_the_fetcher_goes_through_the_proxy_and_the_guard_still_judges_the_page(web, proxy) -> None:
    page = web.url(f"/articles/{web_server.ARTICLES[0]}.html")
    before = len(web.asked(f"/articles/{web_server.ARTICLES[0]}.html"))
    fetcher = HttpxFetcher(timeout_s=8, allow_hosts=(f"127.0.0.1:{web.port}",))
    got, refused = fetch_pages(fetcher, [page, f"http://127.0.0.1:{proxy.server_address[1]}/not-allowed"])
    assert isinstance(got, Page), got
    assert ("GET", page) in proxy.seen  # forwarded by the proxy, to the address the guard checked
    assert ("GET", web.url("/robots.txt")) in proxy.seen
    assert len(web.asked(f"/articles/{web_server.ARTICLES[0]}.html")) == before + 1
    assert isinstance(refused, Refused) and "web_allow_hosts" in refused.reason  # the proxy does not bypass it
    assert all("not-allowed" not in target for _, target in proxy.seen)


def test_an_https_page_goes_through_a_connect_tunnel_to_the_checked_address(web, proxy) -> None:
    """TLS then fails against the plain-HTTP test server, after the proxy opened the tunnel to the checked address
    (no certificate for 127.0.0.1 exists here); the point is the route."""
    fetcher = HttpxFetcher(timeout_s=8, allow_hosts=(f"127.0.0.1:{web.port}",))
    [outcome] = fetch_pages(fetcher, [f"https://127.0.0.1:{web.port}/articles/a.html"])
    assert isinstance(outcome, (NotAllowed, Timeout)), outcome  # robots.txt unreadable: the TLS handshake failed
    assert ("CONNECT", f"127.0.0.1:{web.port}") in proxy.seen


def test_no_proxy_hosts_are_reached_directly_by_fetcher_and_providers(web, proxy, monkeypatch) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    fetcher = HttpxFetcher(timeout_s=8, allow_hosts=(f"127.0.0.1:{web.port}",))
    [got] = fetch_pages(fetcher, [web.url(f"/articles/{web_server.ARTICLES[1]}.html")])
    SearxngSearch(url=web.url("/searxng"), timeout_s=8).search("chicago", max_results=3)
    assert isinstance(got, Page) and proxy.seen == []


def test_search_providers_go_through_the_same_proxy(web, proxy) -> None:
    searx = SearxngSearch(url=web.url("/searxng"), timeout_s=8).search("chicago ice", max_results=3)
    assert searx.results and any(m == "GET" and t.startswith(web.url("/searxng")) for m, t in proxy.seen)
    ddg = DuckDuckGoSearch(url=web.url("/ddg/html/"), timeout_s=8).search("chicago", max_results=3)
    assert ddg.results and ("POST", web.url("/ddg/html/")) in proxy.seen
