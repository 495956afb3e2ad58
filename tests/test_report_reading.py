"""Issue 22: reports a person reads - sources a reader recognises (the headline as title, the date found in the
text, no server path on the page), follow-up questions that matter, a bottom line that answers in one sentence
with its numbers collapsed. Over the demo collection (conftest's demo_engine) and copies of its articles."""

from __future__ import annotations

import asyncio
import io
import json
import re
from datetime import date
from pathlib import Path

import httpx
from rich.console import Console

from conftest import EXAMPLES
from veracity.engine import Engine
from veracity.ingest.extract import read_file
from veracity.render import render
from veracity.render.terminal import print_report
from veracity.settings import Settings
from veracity.text import headline, published_in_text, strip_controls

QUESTIONS = ("Did Chicago cooperate with ICE?", "Did the Chicago police give arrest records to ICE?",
             "What is Chicago police policy on ICE?", "Did aldermen propose to amend the Welcoming City Ordinance?")
TEMPLATE = re.compile(r"(report|say|know) about [A-Z][\w.’' -]*\?$|^What else do other sources", re.IGNORECASE)


def without_front_matter(name: str) -> str:
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    return text.split("---\n", 2)[2]


# -- 22.6 sources a reader recognises ---------------------------------------------------------------------------

def test_a_first_line_like_key_takeaways_is_never_the_title(tmp_path: Path) -> None:
    article = tmp_path / "002.txt"  # the VisaVerge article as a reader saved it: no metadata, "Key Takeaways" first
    article.write_text(without_front_matter("visaverge-chicago-sanctuary-memo.md"), encoding="utf-8")
    assert article.read_text(encoding="utf-8").startswith("Key Takeaways\n")
    (raw,) = list(read_file(article, 10**7))
    assert raw.title == "Sanctuary Cities and Chicago’s Welcoming City Ordinance"
    sun_times = tmp_path / "004.txt"
    sun_times.write_text(without_front_matter("sun-times-cpd-records-to-feds.md"), encoding="utf-8")
    (raw,) = list(read_file(sun_times, 10**7))
    assert raw.title.startswith("Chicago Police Say they don’t ‘assist in immigration enforcement’")


def test_a_headline_passes_over_labels_list_items_and_datelines() -> None:
    assert headline("Highlights\n• one point here\n• another\nCouncil votes to close the dock\n\nBody.", "f") == \
        "Council votes to close the dock"
    assert headline("Published June 5, 2025\n# Bridge reopens after repairs\nThe bridge reopened.", "f") == \
        "Bridge reopens after repairs"
    assert headline("Key Takeaways\nThe council voted on Monday. It closed the dock for good.\n", "f") == \
        "The council voted on Monday."  # no line reads as a title: the first sentence
    assert headline("Key Takeaways\n\n", "fallback-name") == "fallback-name"


def test_the_date_in_the_text_dates_a_document_that_metadata_does_not(demo_engine: Engine) -> None:
    docs = demo_engine.store.documents([1, 2, 3])
    by_location = {Path(d.location).name: d for d in docs.values()}
    # the Sun-Times copy has no date in its front matter; an embedded post under it is dated June 5, 2025
    assert by_location["sun-times-cpd-records-to-feds.md"].published == "2025-06-05"
    # the others name months ("In January 2025") and dates inside sentences, never a day of their own
    assert by_location["visaverge-chicago-sanctuary-memo.md"].published is None
    assert by_location["chicago-pd-will-not-assist-ice.md"].published is None
    report = demo_engine.check("Did the Chicago police give arrest records to ICE?", save=False)
    assert "2025-06-05" in render(report, "markdown")


def test_only_a_dateline_dates_a_text() -> None:
    assert published_in_text("Title\nPublished: 5 June 2024\nThe vote was on 1 May 2024 at noon.") == "2024-06-05"
    assert published_in_text("By Jane Roe | Updated Sept. 3rd, 2024, 10:02 a.m.\nText.") == "2024-09-03"
    # a date inside a sentence is about what the article reports, not when it was written
    assert published_in_text("On July 4, 1776, the declaration was signed in the hall by the delegates who met.") is None
    # never a day after today (an event announced for later), never an impossible day
    assert published_in_text("Hearing set for\nMarch 3, 2031", today=date(2026, 1, 1)) is None
    assert published_in_text("Posted February 30, 2024") is None


def test_the_page_shows_file_names_never_server_paths(demo_db_copy: Path) -> None:
    from veracity.service import create_app
    from veracity.worker import Worker

    token = "reading-token-0123456789abcdefghijkl"
    settings = Settings.load(db=demo_db_copy, api_token=token)
    app = create_app(settings, workers=0)

    async def go() -> tuple[str, str, str]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as c:
            job = (await c.post("/api/checks", headers={"Authorization": f"Bearer {token}"},
                                json={"question": "Did Chicago cooperate with ICE?"})).json()
            worker = Worker(settings)
            while worker.run_once() is not None:
                pass
            worker.close()
            page = (await c.get(f"/checks/{job['id']}")).text
            exported = (await c.get(f"/checks/{job['id']}/report.html")).text
            return page, exported, (await c.get(f"/checks/{job['id']}/report.md")).text

    page, exported, markdown = asyncio.run(go())
    for text in (page, exported, markdown):
        assert str(EXAMPLES) not in text and "/examples/" not in text
        assert "sun-times-cpd-records-to-feds.md" in text
    # 22.7 on the page: the rationale's numbers once, collapsed; versions and hashes collapsed
    reasons = re.search(r'<details class="reasons[^"]*"><summary>How the verdict was reached</summary>(.*?)</details>',
                        page, re.DOTALL)
    assert reasons
    numbers = re.findall(r"\b0\.\d\d\b", reasons.group(1))
    assert numbers and all(page.count(n) == reasons.group(1).count(n) for n in numbers)
    versions = re.search(r'<details class="[^"]*versions"><summary>check \w+</summary>(.*?)</details>', page, re.DOTALL)
    assert versions and "sha256:" in versions.group(1) and page.count("sha256:") == versions.group(1).count("sha256:")


# -- 22.5 follow-up questions that matter ---------------------------------------------------------------------

def test_follow_ups_are_never_templates_over_a_bare_name(demo_engine: Engine) -> None:
    texts = {d.id: d.text for d in demo_engine.store.documents([1, 2, 3]).values()}
    asked = 0
    for question in QUESTIONS:
        report = demo_engine.check(question, save=False)
        assert 2 <= len(report.follow_up_questions) <= 5
        for q in report.follow_up_questions:
            assert not TEMPLATE.search(q), (question, q)
            if q.endswith((": what came of it?", ": is there an answer now?")):
                asked += 1
                said = q.rsplit(": ", 1)[0]  # the clause is the source's words, found in a cited document
                assert any(said in text or said[:1].lower() + said[1:] in text for text in texts.values()), q
    assert asked >= 3  # the sources raise proposals, plans and calls the reports leave open


def test_a_disputed_point_is_asked_in_both_sides_words(demo_engine: Engine) -> None:
    report = demo_engine.check("Did Chicago cooperate with ICE?", save=False)
    sides = {f.role for f in report.findings}
    assert {"supporting", "refuting"} <= sides
    point = report.follow_up_questions[0]
    quoted = re.findall(r"“(.+?)…?”", point)
    assert point.startswith("How do these fit together") and len(quoted) == 2
    # the main clause of a source sentence: its words in order, less asides in parentheses
    texts = [re.sub(r"\s*\([^()]*\)", "", d.text) for d in demo_engine.store.documents([1, 2, 3]).values()]
    assert all(any(q in t or q[:1].lower() + q[1:] in t for t in texts) for q in quoted), point


def test_colour_codes_leave_no_text_behind(demo_db_copy: Path, tmp_path: Path) -> None:
    codes = ["\x1b[31m", "\x1b[0m", "[1;31m", "[0m", "^[[33m", "\\e[0m", "\\033[1m"]
    assert all(strip_controls(f"{c}RED{c}") == "RED" for c in codes)
    assert strip_controls("see [2] and [m]ore") == "see [2] and [m]ore"  # brackets in prose stay
    note = tmp_path / "alert.txt"
    note.write_text("Riverton ferry alert\n\n\x1b[31mRED\x1b[0m [1;31mALERT[0m: the Riverton council is planning "
                    "a vote on closing the ferry dock, ^[[33mcouncil member Ana Ruiz said\\e[0m on Monday.\n"
                    "The Riverton council closed the ferry dock in 2023, the [32mharbour office[0m said.\n",
                    encoding="utf-8")
    engine = Engine(Settings.load(db=demo_db_copy))
    assert engine.ingest([note]).added == 1
    (doc,) = [d for d in engine.store.documents(list(range(1, 6))).values() if d.location.endswith("alert.txt")]
    assert not re.search(r"\[\d|\d+m\b|\^\[|\\e|\\033|\x1b", doc.text), doc.text
    report = engine.check("Did Riverton close the ferry dock?", save=False)
    shown = json.dumps([report.follow_up_questions, report.summary.text, [f.heading for f in report.findings]])
    assert not re.search(r"\[\d|\d+m\b|\^\[|\\\\e|\\\\033|\\u001b", shown), shown


# -- 22.7 the bottom line and the footer ------------------------------------------------------------------------

def test_the_bottom_line_is_one_sentence_and_its_numbers_are_collapsed(demo_engine: Engine) -> None:
    from html import escape

    report = demo_engine.check("Did Chicago cooperate with ICE?", save=False)
    assert report.verdict is not None
    rationale = report.verdict.rationale  # the numbers ("support 0.88", "P(supported) 0.62"), kept in the JSON
    number = re.search(r"\b0\.\d\d\b", rationale)
    assert number, rationale
    line = report.bottom_line.text
    assert line.startswith("The sources searched") or line.startswith("There is not enough evidence"), line
    assert "“Chicago cooperated with ICE”" in line
    assert line.endswith(".") and line.count(". ") == 0 and not re.search(r"\d", line), line
    html = render(report, "html")
    reasons = re.search(r'<details class="reasons"><summary>How the verdict was reached</summary><ul><li>(.*?)</li>', html)
    assert reasons and reasons.group(1) == escape(rationale)
    assert html.count(escape(rationale)) == 1 and html.count(number.group(0)) == rationale.count(number.group(0))
    assert re.search(r'<details class="meta"><summary>check \w+</summary><ul><li>veracity ', html)
    md = render(report, "markdown")
    assert "<details><summary>How the verdict was reached</summary>" in md
    assert md.count(number.group(0)) == rationale.count(number.group(0))
    assert json.loads(render(report, "json"))["verdict"]["rationale"] == rationale
    quiet, loud = io.StringIO(), io.StringIO()
    print_report(report, Console(file=quiet, width=400))
    print_report(report, Console(file=loud, width=400), verbose=True)
    assert number.group(0) not in quiet.getvalue() and "sha256" not in quiet.getvalue()
    assert number.group(0) in loud.getvalue() and "sha256" in loud.getvalue()
