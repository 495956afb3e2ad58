"""A pasted paragraph is split into its claims, each checked; "nothing found" and "missing" words only when true
(issue 13)."""

from __future__ import annotations

import re

import pytest

from veracity.pipeline.helpers.claims import overall
from veracity.pipeline.plan import plan
from veracity.render import render
from veracity.render.json import from_json, to_json

PARAGRAPH = ("The Chicago Police Department announced on Monday that they will not be assisting with upcoming "
             "deportations by ICE. The cost of sheltering migrants has reportedly reached $574.5 million since "
             "August 2022. Reports indicate that more than 20,000 migrants have arrived in the city since August 2022. "
             "As the records obtained by the Sun-Times show, Chicago police sent ICE arrest records. Chicago is a "
             "self-declared Sanctuary City.")


def test_plan_splits_a_pasted_paragraph_into_its_claims():
    p = plan(PARAGRAPH)
    assert len(p.claims) == 5 and p.claims[1].startswith("The cost of sheltering") and "$574.5" in p.claims[1]
    assert plan("Did Chicago cooperate with ICE?").claims == ()
    assert plan("Chicago is a sanctuary city. Is it?").claims == ()  # one statement and a question


@pytest.fixture(scope="module")
def pasted(demo_engine):
    return demo_engine.check(PARAGRAPH, save=False)


def test_each_claim_is_checked_and_the_report_gives_a_verdict_per_claim_and_overall(pasted):
    assert [c.claim for c in pasted.claim_results] == list(plan(PARAGRAPH).claims)
    assert all(c.verdict is not None for c in pasted.claim_results)
    assert pasted.verdict is not None and "5 claims" in pasted.verdict.rationale
    assert pasted.verdict.label == overall([c.verdict for c in pasted.claim_results if c.verdict]).label
    assert not pasted.nothing_found and pasted.findings


def test_a_pasted_paragraph_of_facts_is_not_called_nothing_found(pasted):
    text = " ".join([pasted.summary.text, pasted.bottom_line.text] + [c.summary.text for c in pasted.claim_results])
    assert "Nothing in the sources searched" not in text
    assert "No source searched mentions" not in text
    assert sum(not c.nothing_found for c in pasted.claim_results) >= 4


def test_the_joined_report_cites_consistently(demo_engine, pasted):
    numbers = {s.id: s for s in pasted.sources}
    assert sorted(numbers) == list(range(1, len(numbers) + 1))
    assert len({s.document_id for s in pasted.sources}) == len(numbers)
    for c in pasted.claim_results:
        assert set(c.summary.citations) <= set(numbers)
    for f in pasted.findings:
        assert re.match(r"Claim [1-5]: ", f.heading)
        for s in f.sentences:
            assert set(s.citations) <= set(numbers)
            for e in s.evidence:
                doc = demo_engine.store.documents([numbers[e.source].document_id])[numbers[e.source].document_id]
                assert doc.text[e.start:e.end] == e.quote


def test_claim_results_render_and_round_trip(pasted):
    assert from_json(to_json(pasted)).claim_results == pasted.claim_results
    for fmt in ("markdown", "html"):
        out = render(pasted, fmt)
        assert "Claims in the text" in out and "574.5" in out


def test_nothing_found_only_when_no_stored_passage_has_the_words(demo_engine):
    report = demo_engine.check("Is the Vellum dam 85 metres tall?", save=False)
    assert report.nothing_found and "Nothing in the sources searched addresses this question" in report.summary.text
    near = demo_engine.check("Did the Chicago zoo open a penguin house?", save=False)
    if near.nothing_found:  # Chicago is in the collection: the report says the search found words, not nothing
        assert "Nothing in the sources searched" not in near.summary.text and "“Chicago”" in near.summary.text


def test_a_word_is_called_missing_only_when_no_stored_passage_has_it(demo_engine, pasted):
    stored = " ".join(d.text for d in demo_engine.store.documents([1, 2, 3]).values()).lower()
    reports = [pasted] + [demo_engine.check(q, save=False) for q in (
        "Is the Vellum dam 85 metres tall?", "Did the Chicago zoo open a penguin house?",
        "Did the Sun-Times report $574.5 million for the Vellum dam?")]
    for report in reports:
        for text in [report.summary.text] + [c.summary.text for c in getattr(report, "claim_results", ())]:
            listed = re.search(r"No source searched mentions (.*?)\.(?: |$)", text)
            for word in re.findall(r"“([^”]+)”", listed.group(1)) if listed else ():
                assert not re.search(rf"(?<!\w){re.escape(word.lower())}(?!\w)", stored), \
                    f"{word!r} is called missing but a stored passage has it"


def verdicts(*pairs):
    from veracity.types import Verdict

    return [Verdict(label, confidence, "", {"supports": 0, "refutes": 0, "neutral": 0}) for label, confidence in pairs]


@pytest.mark.parametrize("claims, label, confidence, line", [
    ((("supported", 0.7), ("supported", 0.8), ("not_enough_evidence", 0.6)), "not_enough_evidence", 0.6,
     "2 of 3 claims supported, 1 not settled by the sources"),
    ((("supported", 0.7), ("supported", 0.9)), "supported", 0.7, "both claims supported"),
    ((("supported", 0.9), ("refuted", 0.8), ("refuted", 0.6), ("not_enough_evidence", 0.5)), "refuted", 0.8,
     "2 of 4 claims refuted, 1 supported, 1 not settled by the sources"),
    ((("supported", 0.9), ("mixed", 0.6), ("not_enough_evidence", 0.5)), "mixed", 0.6,
     "1 of 3 claims supported, 1 on which the sources disagree, 1 not settled by the sources"),
    ((("not_enough_evidence", 0.5), ("not_enough_evidence", 0.7)), "not_enough_evidence", 0.7,
     "both claims not settled by the sources"),
])
def test_the_overall_verdict_counts_the_claims_and_keeps_mixed_for_sources_that_disagree(claims, label, confidence,
                                                                                         line):
    """Issue 21, item 5: three true sentences gave "Mixed (0%)" because the claims' labels differed."""
    v = overall(verdicts(*claims))
    assert (v.label, v.confidence) == (label, confidence)
    assert line in v.rationale


def test_the_report_of_a_pasted_text_counts_its_claims(pasted):
    labels = [c.verdict.label for c in pasted.claim_results]
    if "mixed" not in labels:
        assert pasted.verdict.label != "mixed"
    from veracity.labels import count_claims

    line = count_claims(labels)
    assert re.match(r"(\d of 5 claims|all 5 claims) ", line)
    assert pasted.bottom_line.text.startswith(f"Overall: {line}. ")
    assert f"**Verdict: {pasted.verdict.label.replace('_', ' ').capitalize()}** — {line}" in render(pasted, "markdown")
