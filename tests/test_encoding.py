"""Web pages and local .html files in a legacy encoding keep their characters (issue 24, item 29): the page is
decoded as its byte-order mark, the server's charset, or its own <meta charset> says. Pages come from the local
web server on 127.0.0.1 (tests/web_server.py)."""

from __future__ import annotations

import io

import pytest

import web_server
from veracity.ingest.encoding import decode_html, header_charset, meta_charset
from veracity.ingest.extract import read_html
from veracity.sources.base import Page
from veracity.sources.web import fetch_pages
from veracity.sources.fetch import HttpxFetcher

WORDS = ("café", "“naïve”", "— a €5 coffee", "résumé", "François Müller", "señora")


@pytest.fixture(scope="module")
def web():
    server = web_server.start()
    yield server
    server.stop()


def keeps_every_character(text: str) -> None:
    assert "\ufffd" not in text
    for word in WORDS:
        assert word in text, word


@pytest.mark.parametrize("path", ["/windows-1252/meta", "/windows-1252/meta-charset", "/windows-1252/header"])
def test_a_fetched_windows_1252_page_keeps_its_accents_and_quotes(web, path):
    fetcher = HttpxFetcher(timeout_s=10, allow_hosts=[f"127.0.0.1:{web.port}"])
    [page] = fetch_pages(fetcher, [web.url(path)])
    assert isinstance(page, Page), page
    keeps_every_character(page.text)
    assert page.title == "Café ends its “naïve” plan"


@pytest.mark.parametrize("meta", ['<meta charset="windows-1252">', "<meta charset=latin1>",
                                  '<meta http-equiv="content-type" content="text/html; charset=ISO-8859-1">'])
def test_a_local_html_file_honours_its_declared_charset(tmp_path, meta):
    path = tmp_path / "page.html"
    path.write_bytes(web_server.CP1252_HTML.format(meta=meta).encode("cp1252"))
    [document] = list(read_html(path, io.BytesIO(path.read_bytes())))
    keeps_every_character(document.text)
    assert document.title == "Café ends its “naïve” plan"


def test_declarations_and_their_order():
    page = web_server.CP1252_HTML.format(meta='<meta charset="utf-8">').encode("utf-8")
    assert decode_html(page) == page.decode("utf-8")
    assert meta_charset(b"<head><meta charset='Windows-1252'>") == "cp1252"
    assert meta_charset(b"<head><title>x</title>") is None
    assert header_charset("text/html; charset=ISO-8859-1") == "cp1252"  # as browsers read it
    assert header_charset("text/html; charset=no-such-charset") is None
    bom = "<p>naïve</p>".encode("utf-16")  # with its byte-order mark
    assert decode_html(bom) == "<p>naïve</p>"
    # a page that declares UTF-8 but is not: guessed, not replaced character by character
    wrong = web_server.CP1252_HTML.format(meta='<meta charset="utf-8">').encode("cp1252")
    assert "\ufffd" not in decode_html(wrong)
