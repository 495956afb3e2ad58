"""--as-of says how many undated sources it used and never claims more dated documents than exist; an open
question's bottom line agrees with what it cites (issue 13)."""

from __future__ import annotations

import io
import json
import re
import shutil

import pytest
from rich.console import Console

from veracity.engine import Engine
from veracity.render.terminal import print_report
from veracity.settings import Settings

AS_OF = "2025-01-01"


@pytest.fixture(scope="module")
def dated(demo_engine, tmp_path_factory) -> Engine:
    """The demo store (2 undated documents; the Sun-Times copy is dated 2025-06-05 by its text) plus one dated
    before AS_OF and one after."""
    folder = tmp_path_factory.mktemp("dated")
    shutil.copy(demo_engine.settings.db, folder / "s.db")
    rows = [{"text": "Chicago police said in 2024 that officers do not cooperate with ICE on civil immigration "
                     "enforcement, under the Welcoming City Ordinance.", "title": "Before", "published": "2024-05-02"},
            {"text": "In 2025 Chicago police were reported to have shared arrest records with ICE agents despite "
                     "the city's sanctuary policy.", "title": "After", "published": "2025-06-10"}]
    (folder / "d.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    engine = Engine(Settings.load(db=folder / "s.db"))
    assert engine.ingest([folder / "d.jsonl"]).added == 2
    return engine


def test_as_of_counts_the_undated_sources_and_says_so(dated):
    report = dated.check("Did Chicago cooperate with ICE?", as_of=AS_OF, save=False)
    undated = sum(1 for s in report.sources if s.published is None)
    assert report.undated_sources == undated and undated > 0
    notes = [f.message for f in report.failures if "undated" in f.message]
    assert len(notes) == 1 and f"{undated} of the {len(report.sources)}" in notes[0]
    assert all(s.published is None or s.published <= AS_OF for s in report.sources)


def test_as_of_never_claims_more_dated_documents_than_exist(dated):
    report = dated.check("Is the Vellum dam 85 metres tall?", as_of=AS_OF, save=False)
    texts = " ".join([report.summary.text, report.bottom_line.text, report.verdict.rationale if report.verdict else ""])
    claimed = [int(n) for n in re.findall(r"(\d+) documents? published on or before", texts)]
    assert claimed and all(n <= 1 for n in claimed), texts  # one document is dated on or before AS_OF
    assert "the 2 undated ones" in texts and "2 published later were left out" in texts


def test_without_as_of_there_is_no_undated_count(demo_engine):
    report = demo_engine.check("Did Chicago cooperate with ICE?", save=False)
    assert report.undated_sources is None and not [f for f in report.failures if "undated" in f.message]


def test_the_terminal_header_shows_the_as_of_date(dated):
    report = dated.check("Did Chicago cooperate with ICE?", as_of=AS_OF, save=False)
    buffer = io.StringIO()
    print_report(report, Console(file=buffer, width=120))
    assert f"on or before {AS_OF}" in buffer.getvalue().split("Searched for")[0]


def test_an_open_question_does_not_say_only_one_source_answers_while_citing_several(demo_engine):
    report = demo_engine.check("What did Chicago do about ICE?", save=False)
    assert report.open_question and len(report.sources) > 1
    assert "Only one source" not in report.bottom_line.text
