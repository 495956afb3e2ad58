"""The web pages of issue 24 (items 12, 13, 14) and an ingest's progress events (item 8), in-process through
httpx.ASGITransport, with a real SQLite store, a real worker and, for web checks, the local web server on
127.0.0.1 (tests/web_server.py)."""

from __future__ import annotations

import json
import shutil

import lxml.html
import pytest

import web_server
from conftest import asgi_caller
from veracity.engine import Engine
from veracity.service import create_app
from veracity.settings import Settings
from veracity.jobs import upload_dir
from veracity.worker import Worker

DEMO = "Did Chicago cooperate with ICE?"


@pytest.fixture()
def settings(demo_engine, tmp_path) -> Settings:
    db = tmp_path / "pages.db"
    shutil.copy(demo_engine.settings.db, db)
    return Settings.load(db=db, api_token="", requests_per_minute=0)


def html(response) -> lxml.html.HtmlElement:
    assert response.status_code == 200, response.text[:500]
    return lxml.html.fromstring(response.text)


def text(node) -> str:
    return " ".join(node.text_content().split())


def events_of(call, url: str) -> list[tuple[str, dict]]:
    """The server-sent events of an ended job: (kind, data)."""
    out, kind = [], "message"
    for line in call("GET", url).text.splitlines():
        if line.startswith("event:"):
            kind = line.partition(":")[2].strip()
        elif line.startswith("data:"):
            out.append((kind, json.loads(line.partition(":")[2])))
    return out


def test_progress_names_the_steps_in_a_readers_words_and_keeps_timings_in_details(settings) -> None:
    """Item 13: the stages are "Searching your collection", "Reading the evidence", ...; their internal names
    and times only inside a <details>."""
    engine = Engine(settings)
    job = engine.store.add_job("check", {"question": DEMO, "as_of": None, "web": None, "llm": None})
    engine.store.add_event(job.id, "stage", {"stage": "plan", "ms": 2.4})
    engine.store.add_event(job.id, "stage", {"stage": "gather", "ms": 15.6})
    engine.store.add_event(job.id, "stage", {"stage": "select", "ms": 2450.0})
    engine.close()
    page = html(asgi_caller(create_app(settings, workers=0))("GET", f"/checks/{job.id}"))
    steps = page.xpath("//ol[@class='stages']/li")
    assert [text(li) for li in steps] == ["Reading your question", "Searching your collection", "Reading the evidence",
                                          "Weighing the evidence", "Sorting the findings", "Writing the report",
                                          "Checking each sentence against its source"]
    assert [li.get("class") for li in steps[:4]] == ["done", "done", "done", ""]
    shown = " ".join(text(n) for n in page.xpath("//*[@id='progress']/*") if n.tag != "details")
    for internal in ("plan", "gather", "select", "organise", " ms", "15.6"):
        assert internal not in shown, f"{internal!r} is shown outside the details: {shown}"
    [details] = page.xpath("//*[@id='progress']//details")
    assert text(details.xpath(".//summary")[0]) == "Stage timings"
    rows = {r.get("data-stage"): [text(td) for td in r.xpath(".//td")] for r in details.xpath(".//tr[@data-stage]")}
    assert rows["gather"] == ["Searching your collection", "gather", "16 ms"]
    assert rows["select"] == ["Reading the evidence", "select", "2.5 s"] and rows["judge"][2] == "—"


def test_a_cited_passage_links_back_to_its_report(settings) -> None:
    """Item 12 (its markup; the browser test checks what is on screen): every citation and source link carries
    the check, and the source's page links back to the report, at the source."""
    worker = Worker(settings)
    engine = Engine(settings)
    job = engine.store.add_job("check", {"question": DEMO, "as_of": None, "web": None, "llm": None})
    engine.close()
    assert worker.run_once().state == "done"
    worker.close()
    call = asgi_caller(create_app(settings, workers=0))
    report = html(call("GET", f"/checks/{job.id}"))
    cites = [a.get("href") for a in report.xpath("//a[@class='cite' and starts-with(@href, '/documents/')]")]
    sources = [a.get("href") for a in report.xpath("//ol[@class='sources']/li/a")]
    assert cites and sources and all(f"check={job.id}" in h for h in cites + sources)
    page = html(call("GET", cites[0]))
    n = int(cites[0].split("&n=")[1].split("&")[0])
    [back] = page.xpath("//header[@class='source-head']/p[contains(@class, 'back')]/a")
    assert back.get("href") == f"/checks/{job.id}#source-{n}" and text(back) == "← Back to the report"
    assert page.xpath("//header[@class='source-head']/h1") and page.xpath("//mark[@id='quote']")
    # an unknown or malformed check gives no link (and no error)
    for other in ("0123456789abcdef", "x'><script>", ""):
        plain = html(call("GET", cites[0].replace(f"check={job.id}", f"check={other}")))
        assert not plain.xpath("//p[contains(@class, 'back')]/a") and plain.xpath("//mark[@id='quote']")


@pytest.fixture(scope="module")
def web():
    server = web_server.start(slow_s=10.0)
    yield server
    server.stop()


def test_a_web_checks_sources_say_the_web_found_them_with_their_urls(settings, web) -> None:
    """Item 14: after a check with "web": true, each source the web found, the collection's own copy of a page
    included, says so and links its URL."""
    from veracity.sources.chain import BREAKER

    BREAKER.failures.clear()
    BREAKER.opened_at.clear()
    web_settings = Settings.load(db=settings.db, api_token="", requests_per_minute=0, search_provider="searxng",
                                 searxng_url=web.url("/searxng"), web_allow_hosts=(f"127.0.0.1:{web.port}",),
                                 web_timeout_s=4.0, web_max_results=20)
    engine = Engine(web_settings)
    job = engine.store.add_job("check", {"question": DEMO, "as_of": None, "web": True, "llm": None})
    engine.close()
    web.results = [f"/articles/{s}.html" for s in web_server.ARTICLES]
    try:
        worker = Worker(web_settings)
        assert worker.run_once().state == "done"
        worker.close()
    finally:
        web.results = list(web_server.DEFAULT_RESULTS)
    page = html(asgi_caller(create_app(web_settings, workers=0))("GET", f"/checks/{job.id}"))
    urls = {web.url(f"/articles/{s}.html") for s in web_server.ARTICLES}
    items = page.xpath("//ol[@class='sources']/li")
    local = [li for li in items if not text(li.xpath(".//*[@class='loc']")[0]).startswith("http")]
    assert local, "no source is the collection's own copy: the check shows nothing"
    for li in items:
        found = li.xpath(".//*[contains(concat(' ', @class, ' '), ' web ')]")
        assert found and "Found on the web" in text(found[0]), text(li)
        links = [a.get("href") for a in found[0].xpath(".//a")]
        assert links and set(links) <= urls and all(text(a) == a.get("href") for a in found[0].xpath(".//a"))
    assert {a.get("href") for li in items for a in li.xpath(".//*[contains(concat(' ', @class, ' '), ' web ')]//a")} == urls


def test_an_ingest_sends_progress_events_while_it_runs(settings, monkeypatch) -> None:
    """Item 8: an upload of one long document (a 1.28 MB one ran 2.5 minutes in silence) sends "progress"
    events as its sentences are embedded, in bytes of input, before "done"."""
    import veracity.ingest as ingest

    monkeypatch.setattr(ingest, "PROGRESS_SENTENCES", 16, raising=False)  # a small file, sliced as a large one
    folder = upload_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    name = "0a1b2c3d-harbour-log.txt"
    body = "\n\n".join(f"On day {i} the Eastport harbour handled {i * 37 + 11} tonnes of grain, and {i % 7 + 2} "
                       f"ships waited outside for the tide near pier {i % 5 + 1}." for i in range(1, 161))
    (folder / name).write_text(body, encoding="utf-8")
    size = (folder / name).stat().st_size
    engine = Engine(settings)
    job = engine.store.add_job("ingest", {"uploads": [name]})
    engine.close()
    worker = Worker(settings)
    assert worker.run_once().state == "done"
    worker.close()
    events = events_of(asgi_caller(create_app(settings, workers=0)), f"/api/jobs/{job.id}/events")
    kinds = [k for k, _ in events]
    progress = [d for k, d in events if k == "progress"]
    assert kinds.index("started") < kinds.index("progress") and max(
        i for i, k in enumerate(kinds) if k == "progress") < kinds.index("done")
    done = [d["done"] for d in progress]
    assert done == sorted(done) and len(set(done)) == len(done)
    assert len([d for d in done if 0 < d < size]) >= 3, progress  # seen going, not only at its start and end
    assert progress[-1]["done"] == progress[-1]["total"] == size and progress[-1]["percent"] == 100
    assert {d["file"] for d in progress} == {"harbour-log.txt"}  # the file's name, never the server's path


def test_the_collection_page_shows_how_far_a_running_ingest_has_gone(settings) -> None:
    engine = Engine(settings)
    job = engine.store.add_job("ingest", {"uploads": ["0a1b2c3d-big-report.pdf"]})
    assert engine.store.claim_job("test-worker", lease_s=60, kinds=("ingest",), max_attempts=3).id == job.id
    path = str(upload_dir(settings).resolve() / "0a1b2c3d-big-report.pdf")
    engine.store.add_event(job.id, "progress", {"file": path, "done": 537_600, "total": 1_280_000, "percent": 42})
    engine.close()
    page = asgi_caller(create_app(settings, workers=0))("GET", "/collection")
    rows = [text(li) for li in html(page).xpath("//h2[.='Recent uploads']/following-sibling::ul[1]/li")]
    assert any("42% done (big-report.pdf)" in row for row in rows), rows
    assert str(upload_dir(settings).resolve()) not in page.text and "0a1b2c3d" not in page.text


def test_sliced_embedding_gives_each_sentence_its_own_vector_in_order() -> None:
    """The progress slices (item 8) are taken in order of length and put back in place."""
    import numpy as np

    from veracity.ingest import PROGRESS_SENTENCES, embed_sentences

    class Lengths:  # a fake embedder at our seam: a text's vector is its length and its first character
        def __init__(self) -> None:
            self.calls: list[int] = []

        def embed(self, texts: list[str]) -> np.ndarray:
            self.calls.append(len(texts))
            return np.array([[len(t), ord(t[0])] for t in texts], dtype=np.float32)

    sentences = [f"{chr(65 + i % 26)}{'x' * ((i * 7919) % 300)}" for i in range(PROGRESS_SENTENCES * 2 + 5)]
    fake, seen = Lengths(), []
    sliced = embed_sentences(fake, sentences, lambda done, total: seen.append((done, total)))
    assert np.array_equal(sliced, Lengths().embed(sentences))
    assert fake.calls == [PROGRESS_SENTENCES, PROGRESS_SENTENCES, 5]
    assert seen == [(PROGRESS_SENTENCES, len(sentences)), (2 * PROGRESS_SENTENCES, len(sentences)),
                    (len(sentences), len(sentences))]
