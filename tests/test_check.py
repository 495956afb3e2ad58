"""End to end on the demo collection, through the library and the JSON report."""

import json

import pytest

from veracity.render import render
from veracity.render.json import from_json, to_dict


@pytest.fixture(scope="module")
def chicago(demo_engine):
    return demo_engine.check("Did Chicago cooperate with ICE?")


def test_the_report_cites_all_three_sources_and_every_citation_resolves(chicago):
    assert len(chicago.sources) == 3 and chicago.independent_sources == 3
    numbers = {s.id for s in chicago.sources}
    assert numbers == {1, 2, 3}
    cited = set(chicago.summary.citations) | set(chicago.bottom_line.citations)
    for f in chicago.findings:
        for s in f.sentences:
            assert s.citations and set(s.citations) <= numbers
            cited |= set(s.citations)
    assert cited == numbers
    assert 2 <= len(chicago.findings) <= 7
    assert 2 <= len(chicago.follow_up_questions) <= 5


def test_every_quote_is_the_document_text_at_its_offsets(chicago, demo_engine):
    by_number = {s.id: s for s in chicago.sources}
    docs = demo_engine.store.documents([s.document_id for s in chicago.sources])
    for f in chicago.findings:
        for s in f.sentences:
            for e in s.evidence:
                assert docs[by_number[e.source].document_id].text[e.start:e.end] == e.quote == s.text


def test_the_header_names_queries_and_counts(chicago):
    assert len(chicago.queries) >= 3
    md = render(chicago, "markdown")
    assert "Checked on " in md and "Searched for:" in md and "Found 3 sources (3 independent)" in md
    assert "## Bottom line" in md and "## Want to dive deeper?" in md


def test_json_schema_version_1_round_trips(chicago):
    d = json.loads(render(chicago, "json"))
    for key in ("schema_version", "id", "question", "checked_on", "queries", "sources", "summary", "findings",
                "bottom_line", "follow_up_questions", "verdict", "timings_ms"):
        assert key in d
    assert d["schema_version"] == 1 and d["verdict"]["label"] in ("supported", "refuted", "mixed",
                                                                  "not_enough_evidence")
    assert set(d["timings_ms"]) >= {"plan", "gather", "select", "write", "verify"}
    assert to_dict(from_json(render(chicago, "json"))) == d


def test_no_verdict_leaves_verdict_null(demo_engine):
    report = demo_engine.check("Did Chicago cooperate with ICE?", verdict=False, save=False)
    assert json.loads(render(report, "json"))["verdict"] is None


def test_html_is_self_contained(chicago):
    html = render(chicago, "html")
    assert html.startswith("<!doctype html>") and "<script" not in html and "http-equiv" not in html
    assert 'src="http' not in html and 'href="http' not in html


def test_a_city_the_collection_never_mentions_gets_the_nothing_found_report(demo_engine):
    report = demo_engine.check("Did Denver cooperate with ICE?")
    assert report.nothing_found and not report.findings and not report.sources
    assert "Denver" in report.summary.text and "Searched" in report.summary.text
    assert "not mean the claim is false" in report.bottom_line.text


def test_a_claim_opening_with_a_place_the_collection_never_mentions_is_not_judged_on_another_place(demo_engine):
    report = demo_engine.check("Denver cooperated with ICE", save=False)  # "Denver" opens the sentence
    assert report.nothing_found and report.verdict.label == "not_enough_evidence"
    assert "No source searched mentions “Denver”." in report.summary.text
    assert not demo_engine.check("Chicago cooperated with ICE", save=False).nothing_found
    possessive = demo_engine.check("Denver's police cooperated with ICE", save=False)
    assert possessive.nothing_found and "No source searched mentions “Denver”." in possessive.summary.text


def test_a_capitalised_first_word_is_a_name_only_when_the_collection_writes_it_so(demo_engine):
    from veracity.pipeline.plan import leading_name

    store = demo_engine.store
    assert leading_name("Chicago cooperated with ICE", (), store) == "Chicago"  # capitalised mid-sentence
    assert leading_name("Officers helped ICE", (), store) is None  # found, but written lower-case
    assert leading_name("Several officers helped ICE", (), store) is None
    assert leading_name("Bits of the records leaked", (), store) is None


def test_the_nothing_found_report_names_the_words_no_source_has(demo_engine):
    report = demo_engine.check("Denver banned plastic bags in 2019", save=False)
    assert report.nothing_found
    assert "No source searched mentions “Denver”, “banned”, “plastic”, “bags” or “2019”." in report.summary.text


def test_checks_are_saved_and_shown_without_recomputing(demo_engine, chicago):
    assert chicago.id in {r.id for r in demo_engine.history(50)}
    shown = demo_engine.show(chicago.id[:6])
    assert to_dict(shown) == to_dict(chicago)


def test_noisy_text_is_still_found(demo_engine):
    hits = demo_engine.search("sanctuary city since 1985 under Mayor Harold Washington", limit=3)
    assert any("Sanctanty City in 1985" in h.passage.text for h in hits)
    hits = demo_engine.search("police department turned over records to the feds", limit=5, mode="lexical")
    assert any("tourned over Key Records" in h.passage.text or "handed over" in h.passage.text for h in hits)
