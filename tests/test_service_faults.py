"""Small API faults of issue 24 (item 8), in-process through httpx.ASGITransport, with a real SQLite store and a
real worker."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import EXAMPLES, asgi_caller
from veracity.service import create_app
from veracity.settings import Settings
from veracity.jobs import upload_dir
from veracity.worker import Worker


@pytest.fixture(scope="module")
def settings(demo_engine, tmp_path_factory) -> Settings:
    db = tmp_path_factory.mktemp("faults") / "f.db"
    shutil.copy(demo_engine.settings.db, db)
    return Settings.load(db=db, api_token="", requests_per_minute=0)


@pytest.fixture(scope="module")
def call(settings):
    app = create_app(settings, workers=0)

    return asgi_caller(app)


def test_a_body_of_the_wrong_type_is_415(call) -> None:
    body = b'{"question": "Did Chicago cooperate with ICE?"}'
    for headers in ({"Content-Type": "text/plain"}, {"Content-Type": "application/x-www-form-urlencoded"}, {}):
        refused = call("POST", "/api/checks", content=body, headers=headers)
        assert refused.status_code == 415, (headers, refused.text)
        assert refused.json()["error"]["code"] == "unsupported_media_type"
        assert "application/json" in refused.json()["error"]["message"]
    taken = call("POST", "/api/checks", content=body, headers={"Content-Type": "application/json; charset=utf-8"})
    assert taken.status_code == 202
    assert call("DELETE", f"/api/checks/{taken.json()['id']}").status_code == 200  # no worker should run it
    files = call("POST", "/api/documents", json={"files": ["a.txt"]})
    assert files.status_code == 415 and "multipart/form-data" in files.json()["error"]["message"]


def test_head_answers_like_get(call) -> None:
    for path in ("/", "/history", "/collection", "/docs", "/login", "/documents/1", "/healthz", "/api/checks",
                 "/static/style.css"):
        head, get = call("HEAD", path), call("GET", path)
        assert head.status_code == get.status_code == 200, path
        assert head.content == b"" and head.headers["content-type"] == get.headers["content-type"], path
    assert call("HEAD", "/nothing-here").status_code == 404


def test_an_unknown_cursor_is_400(call) -> None:
    refused = call("GET", "/api/checks", params={"cursor": "no-such-check"})
    assert refused.status_code == 400 and "next_cursor" in refused.json()["error"]["message"]
    assert call("GET", "/history", params={"cursor": "no-such-check"}).status_code == 400
    assert call("GET", "/api/checks", params={"cursor": ""}).status_code == 200  # no cursor: the first page


def test_uploads_that_add_nothing_are_removed(call, settings) -> None:
    demo = sorted(p for p in EXAMPLES.iterdir() if p.suffix in (".txt", ".md"))[0]
    files = [("files", ("again.txt", demo.read_bytes(), "text/plain")),  # already in the collection
             ("files", ("fake.pdf", b"%PDF-1.4 not really", "application/pdf")),  # unreadable
             ("files", ("new.txt", b"Lakeside Post\n\nThe Lakeside ferry started a night service in 2025.\n",
                        "text/plain"))]
    created = call("POST", "/api/documents", files=files)
    assert created.status_code == 202
    folder = upload_dir(settings)
    assert len(list(folder.iterdir())) == 3
    worker = Worker(settings)
    while worker.run_once() is not None:
        pass
    worker.close()
    job = call("GET", created.json()["status_url"]).json()
    assert job["state"] == "done" and job["result"]["added"] == 1 and job["result"]["duplicates"] == 1
    assert [s["path"] for s in job["result"]["skipped"]] == ["fake.pdf"]
    left = [p.name for p in folder.iterdir()]
    assert len(left) == 1 and left[0].endswith("-new.txt"), left
    assert Path(folder / left[0]).read_bytes().startswith(b"Lakeside Post")
