"""A local web for the web-source tests and benchmarks: one threaded HTTP server on 127.0.0.1 that speaks each
search provider's documented response format and serves pages of every kind the fetcher must handle.

Nothing here contacts another address: the server binds 127.0.0.1, and every URL it hands out points back at it
(or, for the redirects the guard must refuse, at 127.0.0.2 or another port, which are never contacted).
"""

from __future__ import annotations

import json
import re
import threading
import time
import zlib
from dataclasses import dataclass, field
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
DATES = {"chicago-pd-will-not-assist-ice": "2025-01-21", "sun-times-cpd-records-to-feds": "2025-06-12",
         "visaverge-chicago-sanctuary-memo": "2025-02-03"}
PDF_PAGES = ["Page one of the city report. The Chicago Police Department does not assist with civil immigration "
             "enforcement under the Welcoming City Ordinance, the report says in its opening section.",
             "Page two of the city report. Officers may share records with federal agencies when a court order or "
             "a criminal warrant requires it, according to the department's records office.",
             "Page three of the city report. The department handed over arrest records to federal agents in "
             "most of the requests it received, the audit of the records office found this spring."]


def make_pdf(pages: list[str], *, pad_to: int = 0) -> bytes:
    """A valid PDF with one text line per page (Helvetica), written by hand; pad_to grows it with an unused
    compressed stream of random-looking bytes to about that many bytes (for the memory benchmark)."""
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    kids = []
    for text in pages:
        lines = [text[i:i + 90] for i in range(0, len(text), 90)]
        ops = "BT /F1 11 Tf 40 760 Td 14 TL " + " ".join(
            "(" + ln.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") Tj T*" for ln in lines) + " ET"
        content = ops.encode("latin-1", "replace")
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        content_ref = len(objects)
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
                       b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (content_ref, 0))
        kids.append(len(objects))
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    font = len(objects)
    objects = [o.replace(b"/F1 0 0 R", b"/F1 %d 0 R" % font) for o in objects]
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    objects.append(b"<< /Title (City records report) /CreationDate (D:20250315120000Z) >>")
    info = len(objects)
    if pad_to:
        import random

        rng = random.Random(7)
        raw = bytes(rng.getrandbits(8) for _ in range(min(pad_to, 1 << 20)))
        blob = (raw * (pad_to // len(raw) + 1))[:pad_to]
        objects.append(b"<< /Length %d >>\nstream\n" % len(blob) + blob + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, info, xref)
    return bytes(out)


def article_html(slug: str) -> tuple[str, str]:
    """(title, HTML) of a demo article, with the metadata a news page carries."""
    text = (EXAMPLES / f"{slug}.md").read_text(encoding="utf-8")
    meta, body = {}, text
    match = re.match(r"\A---\n(.*?)\n---\n", text, re.DOTALL)
    if match:
        meta = dict(line.split(":", 1) for line in match[1].splitlines())
        body = text[match.end():]
    title = meta.get("title", slug).strip()
    publisher = meta.get("publisher", "Local Test News").strip()
    paragraphs = "".join(f"<p>{escape(p.strip())}</p>" for p in body.split("\n") if p.strip())
    html = (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f'<meta property="og:title" content="{escape(title)}"><meta property="og:site_name" '
            f'content="{escape(publisher)}"><meta name="author" content="Staff Reporter">'
            f'<meta property="article:published_time" content="{DATES[slug]}T09:00:00Z"></head><body>'
            f'<nav><a href="/">Home</a> <a href="/news">News</a></nav><article><h1>{escape(title)}</h1>'
            f'<time datetime="{DATES[slug]}">{DATES[slug]}</time>{paragraphs}</article>'
            f"<footer>Copyright Local Test News</footer></body></html>")
    return title, html


CLAIMREVIEW = {"@context": "https://schema.org", "@type": "ClaimReview", "datePublished": "2025-02-10",
               "claimReviewed": "Chicago police helped ICE with deportations in January 2025",
               "author": {"@type": "Organization", "name": "Local Fact Desk"},
               "reviewRating": {"@type": "Rating", "ratingValue": 1, "bestRating": 5, "alternateName": "False"}}
CLAIMREVIEW_HTML = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Fact check: Did Chicago police help ICE '
    'with deportations?</title><meta property="og:site_name" content="Local Fact Desk"><script type="application/ld+json">'
    + json.dumps(CLAIMREVIEW) + '</script></head><body><article><h1>Fact check: Did Chicago police help ICE with '
    'deportations?</h1><p>A post shared widely in January 2025 claimed that Chicago police helped ICE with '
    'deportations. The Chicago Police Department said on January 21, 2025 that it will not assist federal '
    'immigration authorities with civil immigration enforcement, citing the Welcoming City Ordinance.</p>'
    '<p>Our rating: False. The department’s policy forbids officers from taking part in civil immigration '
    'enforcement, and we found no record of officers joining deportation operations in January 2025.</p>'
    '</article></body></html>')
# a page in windows-1252 (issue 24, item 29): accents, curly quotes, a dash and a euro sign, bytes 0x80-0xff
CP1252_TEXT = ("The caf\u00e9 on Rue Saint-Andr\u00e9 said the \u201cna\u00efve\u201d pricing plan \u2014 "
               "a \u20ac5 coffee for every r\u00e9sum\u00e9 shown at the door \u2014 would end in March, "
               "according to the owner, Fran\u00e7ois M\u00fcller, who told reporters that the \u00e9clair "
               "stayed on the menu and that the se\u00f1ora who baked them would stay on as well.")
CP1252_HTML = ('<!doctype html><html lang="en"><head>{meta}<title>Caf\u00e9 ends its \u201cna\u00efve\u201d '
               'plan</title></head><body><article><h1>Caf\u00e9 ends its \u201cna\u00efve\u201d plan</h1>'
               f'<p>{CP1252_TEXT}</p><p>{CP1252_TEXT}</p></article></body></html>')
CAPTCHA_HTML = ('<!doctype html><html><head><title>Just a moment...</title></head><body><h1>Please verify you are '
                'human</h1><p>Complete the captcha below to continue to the site.</p>'
                '<div class="g-recaptcha" data-sitekey="x"></div></body></html>')
PAYWALL_HTML = ('<!doctype html><html><head><title>Chicago police and ICE: what the records show</title></head><body>'
                '<article><h1>Chicago police and ICE: what the records show</h1><p>The Chicago Police Department '
                'has answered dozens of federal requests for records this year, documents show.</p>'
                '<div class="paywall"><p>Subscribe to continue reading. Already a subscriber? Log in.</p></div>'
                '</article></body></html>')
DDG_ITEM = ('<div class="result results_links results_links_deep web-result"><div class="links_main links_deep '
            'result__body"><h2 class="result__title"><a rel="nofollow" class="result__a" href="{url}">{title}</a>'
            '</h2><a class="result__snippet" href="{url}">{snippet}</a></div></div>')


@dataclass
class LocalWeb:
    """The server, what it was asked, and the search results it gives (paths, made absolute at answer time)."""

    httpd: ThreadingHTTPServer
    thread: threading.Thread
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)  # (method, path, headers)
    results: list[str] = field(default_factory=list)  # paths the search endpoints answer with
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopping: threading.Event = field(default_factory=threading.Event)
    in_flight: int = 0
    most_in_flight: int = 0

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def asked(self, prefix: str) -> list[tuple[str, str, dict[str, str]]]:
        with self.lock:
            return [r for r in self.requests if r[1].startswith(prefix)]

    def stop(self) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


ARTICLES = sorted(DATES)
FAILING = ["/forbidden", "/captcha", "/slow", "/huge", "/to-other-host", "/to-other-port", "/private/page",
           "/paywall", "/loop/0"]
DEFAULT_RESULTS = ([f"/articles/{s}.html" for s in ARTICLES] + ["/report.pdf", "/hop/1", "/claimreview"] + FAILING)
TITLES = {f"/articles/{s}.html": article_html(s)[0] for s in ARTICLES}


def handler_for(web_ref: list[LocalWeb], slow_s: float, huge_bytes: int) -> type[BaseHTTPRequestHandler]:
    pdf = make_pdf(PDF_PAGES)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def send(self, status: int, body: bytes, content_type: str = "text/html; charset=utf-8",
                 headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def json(self, data: object, status: int = 200) -> None:
            self.send(status, json.dumps(data).encode(), "application/json")

        def results(self) -> list[tuple[str, str, str]]:
            web = web_ref[0]
            return [(web.url(p), TITLES.get(p, p.strip("/").replace("/", " ")), f"About {p}") for p in web.results]

        def do_POST(self) -> None:
            self.do_GET()

        def do_GET(self) -> None:
            web = web_ref[0]
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            with web.lock:
                web.requests.append((self.command, self.path, {k.lower(): v for k, v in self.headers.items()}))
            path, query = parts.path, parse_qs(parts.query)
            if path == "/robots.txt":
                return self.send(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
            # -- search providers, in their documented formats --
            if path == "/searxng/search":
                if query.get("format") != ["json"]:
                    return self.send(403, b"format not allowed")
                return self.json({"query": query["q"][0], "number_of_results": len(web.results), "results": [
                    {"url": u, "title": t, "content": s, "engine": "local", "publishedDate": None}
                    for u, t, s in self.results()]})
            if path == "/brave/res/v1/web/search":
                if self.headers.get("X-Subscription-Token") != "brave-key":
                    return self.json({"type": "ErrorResponse", "error": {"code": "SUBSCRIPTION_TOKEN_INVALID"}}, 401)
                return self.json({"type": "search", "query": {"original": query["q"][0]}, "web": {
                    "type": "search", "results": [{"title": t, "url": u, "description": s, "page_age": "2025-01-21T00:00:00"}
                                                  for u, t, s in self.results()]}})
            if path.startswith("/limited/"):
                return self.json({"type": "ErrorResponse", "error": {"code": "RATE_LIMITED"}}, 429)
            if path == "/tavily/search":
                if self.headers.get("Authorization") != "Bearer tavily-key":
                    return self.json({"detail": {"error": "Unauthorized: missing or invalid API key."}}, 401)
                data = json.loads(body or b"{}")
                return self.json({"query": data.get("query"), "results": [
                    {"title": t, "url": u, "content": s, "score": 0.9 - i / 100}
                    for i, (u, t, s) in enumerate(self.results())][:data.get("max_results", 5)]})
            if path == "/tavily-spent/search":
                return self.json({"detail": {"error": "This request exceeds your plan's set usage limit."}}, 432)
            if path == "/factcheck/claims:search":
                if query.get("key") != ["factcheck-key"]:
                    return self.json({"error": {"code": 403, "message": "API key not valid.", "status":
                                                "PERMISSION_DENIED"}}, 403)
                return self.json({"claims": [{"text": "Chicago police helped ICE with deportations in January 2025",
                                              "claimant": "Social media posts", "claimDate": "2025-01-25T00:00:00Z",
                                              "claimReview": [{"publisher": {"name": "Local Fact Desk",
                                                                             "site": "127.0.0.1"},
                                                               "url": web.url("/claimreview"),
                                                               "title": "Did Chicago police help ICE with deportations?",
                                                               "reviewDate": "2025-02-10T00:00:00Z",
                                                               "textualRating": "False", "languageCode": "en"}]}]})
            if path == "/ddg/html/":
                items = "".join(DDG_ITEM.format(url=escape(u), title=escape(t), snippet=escape(s))
                                for u, t, s in self.results())
                return self.send(200, f"<html><body><div class='serp'>{items}</div></body></html>".encode())
            # -- benchmark pages: /bench/<set>/search lists ten distinct articles /bench/<set>/<n>.html --
            bench = re.fullmatch(r"/bench/(\w+)/(search|(\d+)\.html)", path)
            if bench:
                name = bench[1]
                if bench[2] == "search":
                    pages = [(web.url(f"/bench/{name}/{n}.html"), f"Bench page {name} {n}", "") for n in range(10)]
                    return self.json({"query": query.get("q", [""])[0], "results": [
                        {"url": u, "title": t, "content": c} for u, t, c in pages]})
                n = int(bench[3])
                html = article_html(ARTICLES[n % 3])[1].replace(
                    "<article>", f"<article><p>Dispatch {name}-{n}: this copy was filed as report number {n} of "
                                 f"set {name}, and it differs from every other copy in this line.</p>", 1)
                return self.send(200, html.encode())
            if path == "/big.pdf":
                return self.send(200, big_pdf(), "application/pdf")
            if path == "/broken/search":
                return self.send(200, b"<html>not json</html>", "text/html")
            if path == "/down/search":
                return self.send(503, b"unavailable")
            if path == "/stalled/search":
                self.wait(slow_s)
                return self.json({"results": []})
            # -- pages --
            if path.startswith("/articles/") and path.endswith(".html"):
                slug = path[len("/articles/"):-5]
                if slug not in DATES:
                    return self.send(404, b"not found")
                etag = f'"{zlib.crc32(slug.encode()):x}"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return None
                return self.send(200, article_html(slug)[1].encode(), headers={"ETag": etag})
            if path == "/report.pdf":
                return self.send(200, pdf, "application/pdf")
            if path.startswith("/hop/"):
                n = int(path.rsplit("/", 1)[1])
                target = f"/hop/{n + 1}" if n < 3 else f"/articles/{ARTICLES[0]}.html"
                return self.send(302, b"", headers={"Location": target})
            if path.startswith("/loop/"):
                n = int(path.rsplit("/", 1)[1])
                return self.send(302, b"", headers={"Location": f"/loop/{n + 1}"})
            if path.startswith("/busy/"):  # counts how many requests are in flight at once
                with web.lock:
                    web.in_flight += 1
                    web.most_in_flight = max(web.most_in_flight, web.in_flight)
                self.wait(0.3)
                with web.lock:
                    web.in_flight -= 1
                return self.send(200, article_html(ARTICLES[0])[1].encode())
            if path == "/claimreview":
                return self.send(200, CLAIMREVIEW_HTML.encode())
            if path == "/windows-1252/meta":  # declared by the page only: the header names no charset
                page = CP1252_HTML.format(meta='<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">')
                return self.send(200, page.encode("cp1252"), "text/html")
            if path == "/windows-1252/meta-charset":
                return self.send(200, CP1252_HTML.format(meta="<meta charset=iso-8859-1>").encode("cp1252"), "text/html")
            if path == "/windows-1252/header":  # declared by the server only
                return self.send(200, CP1252_HTML.format(meta="").encode("cp1252"), "text/html; charset=windows-1252")
            if path == "/forbidden":
                return self.send(403, b"<html><body>Forbidden</body></html>")
            if path == "/captcha":
                return self.send(200, CAPTCHA_HTML.encode())
            if path == "/paywall":
                return self.send(200, PAYWALL_HTML.encode())
            if path == "/slow":
                self.wait(slow_s)
                return self.send(200, article_html(ARTICLES[1])[1].encode())
            if path == "/huge":
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Transfer-Encoding", "chunked")  # no Content-Length: the limit must hold while reading
                self.end_headers()
                chunk = b"<p>" + b"padding " * 8000 + b"</p>"
                sent = 0
                try:
                    while sent < huge_bytes:
                        self.wfile.write(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
                        sent += len(chunk)
                    self.wfile.write(b"0\r\n\r\n")
                except (BrokenPipeError, ConnectionResetError):
                    pass
                return None
            if path == "/to-other-host":
                return self.send(302, b"", headers={"Location": f"http://127.0.0.2:{web.port}/articles/{ARTICLES[0]}.html"})
            if path == "/to-other-port":
                return self.send(302, b"", headers={"Location": f"http://127.0.0.1:{web.port + 1}/"})
            if path.startswith("/private/"):
                return self.send(200, article_html(ARTICLES[2])[1].encode())
            return self.send(404, b"not found")

        def wait(self, seconds: float) -> None:
            end = time.monotonic() + seconds
            while time.monotonic() < end and not web_ref[0].stopping.is_set():
                time.sleep(0.05)

    return Handler


_BIG: list[bytes] = []


def big_pdf(size: int = 20_000_000) -> bytes:
    """A 20 MB PDF: 300 pages of text and a large binary stream (as a scanned image would be)."""
    if not _BIG:
        pages = [f"{PDF_PAGES[i % 3]} This is page {i + 1} of the long report." for i in range(300)]
        _BIG.append(make_pdf(pages, pad_to=size - len(make_pdf(pages))))
    return _BIG[0]


def start(*, slow_s: float = 4.0, huge_bytes: int = 2_000_000) -> LocalWeb:
    ref: list[LocalWeb] = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(ref, slow_s, huge_bytes))
    httpd.daemon_threads = True
    httpd.handle_error = lambda request, address: None  # type: ignore[method-assign]  # clients that hang up
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    web = LocalWeb(httpd=httpd, thread=thread, results=list(DEFAULT_RESULTS))
    ref.append(web)
    thread.start()
    return web


if __name__ == "__main__":  # for benchmarks: serve until stdin closes; the first line printed is the port
    import sys

    served = start()
    print(served.port, flush=True)
    sys.stdin.read()
    served.stop()
