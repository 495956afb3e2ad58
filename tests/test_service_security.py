"""Security and escaping, in-process through httpx.ASGITransport (workers run by the test itself)."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from conftest import ROOT
from veracity.service import create_app
from veracity.service.server import serve
from veracity.errors import ConfigError
from veracity.settings import Settings
from veracity.service.security import SESSION_COOKIE, session_value
from veracity.worker import Worker

TOKEN = "s3cret-token-for-tests-0123456789abcdef"
HOSTILE = ("Hostile Herald\n\n"
           "The Riverton council voted to close the old ferry dock in 2023. <script>alert('x')</script> "
           "Residents said the Riverton ferry dock closure <a href=\"javascript:alert(1)\">cost jobs</a>. "
           "The council said the Riverton ferry dock was unsafe.\n")


class Client:
    """Sync calls to the app in-process; the app's lifespan (worker pool) is not run."""

    def __init__(self, app, base: str = "http://127.0.0.1") -> None:
        self.app, self.base, self.cookies = app, base, httpx.Cookies()

    def request(self, method: str, url: str, **kw) -> httpx.Response:
        async def go() -> httpx.Response:
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app, raise_app_exceptions=False), base_url=self.base,
                                         cookies=self.cookies) as c:
                response = await c.request(method, url, **kw)
                self.cookies = httpx.Cookies(c.cookies)  # as a browser: set and deleted
                return response

        return asyncio.run(go())

    def get(self, url: str, **kw) -> httpx.Response:
        return self.request("GET", url, **kw)

    def post(self, url: str, **kw) -> httpx.Response:
        return self.request("POST", url, **kw)


@pytest.fixture(scope="module")
def settings(demo_engine, tmp_path_factory) -> Settings:
    folder = tmp_path_factory.mktemp("security")
    db = folder / "s.db"
    shutil.copy(demo_engine.settings.db, db)
    (folder / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    base = Settings.load(db=db, api_token=TOKEN, max_upload_bytes=2000, requests_per_minute=1000)
    worker = Worker(base)
    worker.engine().ingest([folder / "hostile.txt"])
    worker.close()
    return base


@pytest.fixture(scope="module")
def client(settings) -> Client:
    return Client(create_app(settings, workers=0))


def csrf_of(client: Client, path: str = "/") -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert match
    return match.group(1)


def test_writes_need_the_token(client) -> None:
    refused = client.post("/api/checks", json={"question": "Did Riverton close the ferry dock?"})
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "unauthorized"
    assert refused.headers["www-authenticate"] == "Bearer"
    wrong = client.post("/api/checks", json={"question": "x?"}, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    ok = client.post("/api/checks", json={"question": "x?"}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert ok.status_code == 202
    assert client.get("/api/checks").status_code == 200  # reads stay open


def test_forms_need_csrf_and_sign_in(client) -> None:
    token = csrf_of(client)
    assert client.post("/checks", data={"question": "x?", "csrf_token": token}).status_code == 401  # not signed in
    assert client.post("/login", data={"token": TOKEN, "csrf_token": "forged"}).status_code == 403
    signed = client.post("/login", data={"token": TOKEN, "csrf_token": token})
    assert signed.status_code == 303 and "samesite=strict" in signed.headers["set-cookie"].lower()
    refused = client.post("/checks", data={"question": "x?", "csrf_token": "forged"})
    assert refused.status_code == 403 and "security token" in refused.text
    missing = client.post("/checks", data={"question": "x?"})
    assert missing.status_code == 403
    accepted = client.post("/checks", data={"question": "Did Riverton close the ferry dock?", "csrf_token": token})
    assert accepted.status_code == 303 and accepted.headers["location"].startswith("/checks/")
    other_site = client.post("/checks", data={"question": "x?", "csrf_token": token},
                             headers={"Origin": "http://evil.example"})
    assert other_site.status_code == 403


def test_limits(client, settings) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    big = client.post("/api/documents", headers=auth, files={"files": ("big.txt", b"a" * 5000, "text/plain")})
    assert big.status_code == 413 and "max_upload_bytes" in big.json()["error"]["message"]
    huge = client.post("/api/documents", headers=auth, files={"files": ("huge.txt", b"a" * 80_000, "text/plain")})
    assert huge.status_code == 413 and "the upload is" in huge.json()["error"]["message"]  # refused before reading
    exe = client.post("/api/documents", headers=auth, files={"files": ("tool.exe", b"MZ", "application/octet-stream")})
    assert exe.status_code == 415 and ".pdf" in exe.json()["error"]["message"]
    long_q = client.post("/api/checks", headers=auth, json={"question": "x" * 2001})
    assert long_q.status_code == 400 and "max_question_chars" in long_q.json()["error"]["message"]
    limited = Client(create_app(Settings.load(db=settings.db, requests_per_minute=3), workers=0))
    codes = [limited.get("/api/checks").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    last = limited.get("/api/checks")
    assert "requests a minute" in last.json()["error"]["message"] and int(last.headers["retry-after"]) >= 1


def test_headers_and_no_traceback(client) -> None:
    page = Client(client.app).get("/")  # a new browser: it is given its CSRF cookie
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "samesite=strict" in page.headers["set-cookie"].lower()
    assert "<script>" not in page.text.replace('<script src="/static/htmx.min.js" defer></script>', "")

    @client.app.get("/api/boom")
    def boom() -> None:
        raise RuntimeError("secret internals")

    crashed = client.get("/api/boom")
    error = crashed.json()["error"]
    assert crashed.status_code == 500 and error["id"] and error["id"] in error["message"]
    assert "secret internals" not in crashed.text and "Traceback" not in crashed.text
    for response in (crashed, client.get("/api/boom", headers={"Accept": "text/html"})):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY" and response.headers["referrer-policy"] == "same-origin"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_source_text_is_escaped_everywhere(client, settings) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    job = client.post("/api/checks", headers=auth, json={"question": "Did Riverton close the ferry dock?"}).json()
    worker = Worker(settings)
    while worker.run_once() is not None:
        pass
    worker.close()
    done = client.get(job["status_url"]).json()
    assert done["state"] == "done", done
    page = client.get(f"/checks/{job['id']}").text
    document_links = re.findall(r'href="(/documents/[^"]+)"', page)
    assert document_links
    hostile_doc = [link for link in document_links if "start=" in link]
    pages = [page] + [client.get(link.replace("&amp;", "&")).text for link in document_links]
    exports = [client.get(f"/checks/{job['id']}/report.{ext}").text for ext in ("html",)]
    for html in pages + exports:
        assert "<script>alert" not in html and 'href="javascript:' not in html.lower()
    assert any("&lt;script&gt;" in html for html in pages)
    assert hostile_doc and "<mark" in client.get(hostile_doc[0].replace("&amp;", "&")).text


def test_serve_refuses_a_public_host_without_a_token(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="needs an API token"):
        serve(Settings.load(db=tmp_path / "x.db", api_token=""), host="0.0.0.0", port=1)
    env = {k: v for k, v in os.environ.items() if k != "VERACITY_API_TOKEN"}
    run = subprocess.run([sys.executable, "-m", "veracity.cli", "serve", "--host", "0.0.0.0", "--db",
                          str(tmp_path / "x.db")], env={**env, "PYTHONPATH": str(ROOT),
                                                        "VERACITY_CONFIG": str(tmp_path / "none.toml")},
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 1 and run.stderr.startswith("error: serving on 0.0.0.0")
    assert len(run.stderr.strip().splitlines()) == 1


def test_host_header_must_name_this_server(client, settings) -> None:
    """DNS rebinding: a page of evil.example whose name resolves to 127.0.0.1 sends Host: evil.example."""
    auth = {"Authorization": f"Bearer {TOKEN}"}
    evil = {"Host": "evil.example:8750", "Origin": "http://evil.example:8750"}
    read = client.get("/api/checks?limit=1", headers=evil)
    assert read.status_code == 400 and read.json()["error"]["code"] == "bad_host"
    assert "allowed_hosts" in read.json()["error"]["message"]
    write = client.post("/api/checks", headers={**evil, **auth}, json={"question": "x y z"})
    assert write.status_code == 400
    for path in ("/", "/static/style.css", "/healthz", "/docs"):
        assert client.get(path, headers=evil).status_code == 400, path
    for name in ("127.0.0.1:8750", "localhost:8750", "LOCALHOST", "[::1]:8750", "::1"):
        assert client.get("/api/checks?limit=1", headers={"Host": name}).status_code == 200, name
    open_app = Client(create_app(Settings.load(db=settings.db, api_token=""), workers=0))
    assert open_app.post("/api/checks", headers=evil, json={"question": "x y z"}).status_code == 400
    named = Client(create_app(Settings.load(db=settings.db, allowed_hosts="veracity.internal, other.lan"), workers=0))
    for name in ("veracity.internal", "Veracity.Internal.:443", "other.lan:8750"):
        assert named.get("/api/checks?limit=1", headers={"Host": name}).status_code == 200, name
    assert named.get("/api/checks?limit=1", headers={"Host": "evil.example"}).status_code == 400
    bound = Client(create_app(settings, workers=0, host="192.0.2.7"))
    assert bound.get("/healthz", headers={"Host": "192.0.2.7:8750"}).status_code == 200
    assert bound.get("/healthz", headers={"Host": "198.51.100.1:8750"}).status_code == 400
    everywhere = Client(create_app(settings, workers=0, host="0.0.0.0"))
    assert everywhere.get("/healthz", headers={"Host": "198.51.100.1:8750"}).status_code == 200  # an address: no rebinding
    assert everywhere.get("/healthz", headers={"Host": "evil.example"}).status_code == 400


def test_weak_tokens_are_refused(tmp_path: Path) -> None:
    for weak in ("a", " ", "x" * 31, f" {TOKEN} "):
        with pytest.raises(ConfigError, match="use 32 or more.*secrets.token_urlsafe"):
            create_app(Settings.load(db=tmp_path / "x.db", api_token=weak), workers=0)
        with pytest.raises(ConfigError, match="use 32 or more"):
            serve(Settings.load(db=tmp_path / "x.db", api_token=weak), host="127.0.0.1", port=1)
    env = {k: v for k, v in os.environ.items() if k != "VERACITY_API_TOKEN"}
    run = subprocess.run([sys.executable, "-m", "veracity.cli", "serve", "--db", str(tmp_path / "x.db")],
                         env={**env, "PYTHONPATH": str(ROOT), "VERACITY_CONFIG": str(tmp_path / "none.toml"),
                              "VERACITY_API_TOKEN": "a"}, capture_output=True, text=True, timeout=60)
    assert run.returncode == 1 and len(run.stderr.strip().splitlines()) == 1
    assert run.stderr.startswith("error: the API token") and "secrets.token_urlsafe(32)" in run.stderr


def test_sign_in_expires_and_signs_out(settings) -> None:
    browser = Client(create_app(settings, workers=0))
    token = csrf_of(browser)
    signed = browser.post("/login", data={"token": TOKEN, "csrf_token": token})
    assert signed.status_code == 303 and "max-age=43200" in signed.headers["set-cookie"].lower()
    cookie = browser.cookies[SESSION_COOKIE]
    domain = next(c.domain for c in browser.cookies.jar if c.name == SESSION_COOKIE)
    issued = int(cookie.partition(".")[0])
    assert cookie != session_value(TOKEN, issued - 1)  # signed with the time it was given
    question = {"question": "Did Riverton close the ferry dock?", "csrf_token": token}
    assert browser.post("/checks", data=question).status_code == 303
    assert "Sign out" in browser.get("/").text
    browser.cookies.set(SESSION_COOKIE, session_value(TOKEN, issued - 13 * 3600), domain=domain)  # given 13 hours ago
    assert browser.post("/checks", data=question).status_code == 401
    browser.cookies.set(SESSION_COOKIE, f"{issued + 10**6}.{cookie.partition('.')[2]}", domain=domain)  # a forged time
    assert browser.post("/checks", data=question).status_code == 401
    browser.cookies.set(SESSION_COOKIE, cookie, domain=domain)
    assert browser.post("/checks", data=question).status_code == 303
    out = browser.post("/logout", data={"csrf_token": token})
    assert out.status_code == 303 and SESSION_COOKIE not in browser.cookies
    assert browser.post("/checks", data=question).status_code == 401 and "Sign in" in browser.get("/").text
    assert browser.post("/logout", data={"csrf_token": "forged"}).status_code == 403


def test_reads_need_the_token_beyond_loopback(settings) -> None:
    public = Client(create_app(settings, workers=0, host="0.0.0.0"), base="http://192.0.2.7:8750")
    for path in ("/api/checks", "/api/documents", "/api/search?q=ferry", "/openapi.json", "/metrics"):
        refused = public.get(path)
        assert refused.status_code == 401 and refused.json()["error"]["code"] == "unauthorized", path
        assert "reads need its API token" in refused.json()["error"]["message"]
    for path in ("/", "/history", "/collection", "/docs"):
        sent = public.get(path)
        assert sent.status_code == 303 and sent.headers["location"] == "/login", path
    for path in ("/healthz", "/login", "/static/style.css"):
        assert public.get(path).status_code == 200, path
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert public.get("/api/checks", headers=auth).status_code == 200
    assert public.get("/api/documents", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert public.post("/login", data={"token": TOKEN, "csrf_token": csrf_of(public, "/login")}).status_code == 303
    assert public.get("/collection").status_code == 200 and public.get("/api/checks").status_code == 200
    loopback_only = Client(create_app(settings, workers=0))
    assert loopback_only.get("/api/documents").status_code == 200 and loopback_only.get("/").status_code == 200


def test_server_paths_never_reach_users(client, settings) -> None:
    """Locations and skip reasons name a file or a URL; the folders the server keeps them in are not shown."""
    folders = [str(Path(settings.db).parent), str(ROOT), str(Path(settings.db).parent / "uploads")]
    auth = {"Authorization": f"Bearer {TOKEN}"}
    job = client.post("/api/checks", headers=auth, json={"question": "Did Riverton close the ferry dock?"}).json()
    upload = client.post("/api/documents", headers=auth, files=[("files", ("fake.pdf", b"%PDF-1.4 not really", "application/pdf")),
                                                                 ("files", ("notes.txt", HOSTILE.encode(), "text/plain"))]).json()
    worker = Worker(settings)
    while worker.run_once() is not None:
        pass
    worker.close()
    ingest = client.get(upload["status_url"]).json()
    assert ingest["state"] == "done", ingest
    skipped = {s["path"]: s["reason"] for s in ingest["result"]["skipped"]}
    assert set(skipped) == {"fake.pdf"} and skipped["fake.pdf"].startswith("fake.pdf")
    documents = client.get("/api/documents").json()["documents"]
    assert "hostile.txt" in [d["location"] for d in documents]
    hits = client.get("/api/search", params={"q": "ferry dock"}).json()["hits"]
    report = client.get(job["status_url"]).json()["report"]
    assert "hostile.txt" in [s["location"] for s in report["sources"]]
    locations = [d["location"] for d in documents] + [h["location"] for h in hits] + [s["location"] for s in report["sources"]]
    assert locations and all("/" not in location for location in locations), locations
    events = client.get(upload["events_url"]).text
    responses = [client.get(path) for path in ("/collection", f"/checks/{job['id']}", "/api/checks?limit=5",
                                               f"/checks/{job['id']}/report.md", f"/checks/{job['id']}/report.json",
                                               f"/checks/{job['id']}/report.html", "/documents/1")]
    assert [r.status_code for r in responses] == [200] * len(responses)
    shown = [r.text for r in responses]
    for text in [*shown, events, str(ingest)]:
        assert not any(folder in text for folder in folders), [f for f in folders if f in text]
    assert "fake.pdf" in shown[0] and "fake.pdf" in events


def test_a_location_is_shown_as_a_file_name_or_url() -> None:
    from veracity.service.display import scrub, shown

    assert shown("/srv/veracity/uploads/fdbd47bc-fake.pdf") == "fake.pdf"
    assert shown("/home/me/data/rows.jsonl#12") == "rows.jsonl#12"
    assert shown("https://user:pw@news.example/a/b?c=1") == "https://news.example/a/b?c=1"
    assert shown("C:\\Users\\me\\notes.txt") == "notes.txt" and shown("file:///srv/a/b.md") == "b.md"
    assert (scrub("/srv/veracity/uploads/fdbd47bc-fake.pdf: malformed PDF (see https://x.example/a/b and /api/checks)")
            == "fake.pdf: malformed PDF (see https://x.example/a/b and /api/checks)")
    assert scrub("cannot add a job to /var/lib/veracity/v.db: disk full") == "cannot add a job to v.db: disk full"


def test_web_needs_a_search_provider(settings, tmp_path: Path) -> None:
    db = tmp_path / "web.db"
    shutil.copy(settings.db, db)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    question = {"question": "Did Riverton close the ferry dock?", "web": True}
    bare = Client(create_app(replace(settings, db=str(db), search_provider=""), workers=0))
    refused = bare.post("/api/checks", headers=auth, json=question)
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "bad_input"
    assert "search_provider" in refused.json()["error"]["message"]
    assert bare.post("/api/checks", headers=auth, json={**question, "web": False}).status_code == 202
    box = re.search(r'<input type="checkbox" name="web"[^>]*>', bare.get("/").text)
    assert box and "disabled" in box.group(0) and "no search provider is set" in bare.get("/").text
    ready = Client(create_app(replace(settings, db=str(db), search_provider="duckduckgo"), workers=0))
    queued = ready.post("/api/checks", headers=auth, json=question)  # queued only: no worker runs it
    assert queued.status_code == 202
    box = re.search(r'<input type="checkbox" name="web"[^>]*>', ready.get("/").text)
    assert box and "disabled" not in box.group(0)
