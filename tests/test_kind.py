"""Routing by the kind of source (issue 21): a fact-checker's ruling restates a claim in order to rule on it, so the
judge reads rulings as a whole (the aggregator) and reports sentence by sentence (the direct path); a question
states nothing."""

from dataclasses import replace
from pathlib import Path

import pytest

from veracity.pipeline import judge
from veracity.pipeline.judge import direct, kind
from veracity.text import sentence_spans
from veracity.types import Document, Evidence, Stance

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

# Written for this test in the manner of a fact-check's justification (not taken from any data set).
RULING = (
    "Says the state's unemployment rate doubled in the last year. The governor's challenger made the claim in a "
    "campaign ad. But the figures from the Bureau of Labor Statistics show the rate rose from 3.9 percent to 4.2 "
    "percent over that period. A spokesman for the campaign said the ad referred to a single county, but the ad "
    "does not say so. We found no data that supports the statement. The claim exaggerates a small increase.")


def evidence_of(text: str, group: int = 1, title: str = "") -> list[Evidence]:
    doc = Document(id=group, title=title, location=f"doc{group}", publisher=None, published=None, content_hash="",
                   group=group, text=text)
    out = []
    for span in sentence_spans(text):
        out.append(Evidence(document=doc, start=span.start, end=span.end, quote=text[span.start:span.end],
                            relevance=0.6, stance=None))
    return out


def test_the_kind_model_ships_with_a_threshold_chosen_on_dev_data():
    model = kind.fitted()
    assert model is not None, "veracity/models/kind.json is missing"
    assert 0.3 <= model["threshold"] <= 0.9
    assert model["dev_out_of_fold"]["reports_at_threshold"] <= 0.05


def test_a_fact_check_justification_is_a_ruling():
    found = kind.kinds(evidence_of(RULING))
    assert found.rulings, found


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.md")))
def test_the_demo_articles_are_reports(path):
    found = kind.kinds(evidence_of(path.read_text(encoding="utf-8", errors="replace")))
    assert not found.rulings, (path.name, found)


def test_a_question_is_never_read_as_stating_the_claim():
    assert kind.statements("Did the city cooperate with ICE? No. The city said it would not.") == \
        "No. The city said it would not."
    assert kind.statements("Did the city cooperate with ICE?") == ""
    question = evidence_of("Did the city cooperate with ICE?")
    assert direct.texts(question) == []


class Scored:
    """A stance model at our own seam: every reading supports the claim strongly, as a restatement does."""

    name, version = "restates", "1"

    def score(self, claim: str, evidence: list[str]) -> list[Stance]:
        return [Stance("supports", {"supports": 0.95, "refutes": 0.03, "neutral": 0.02}) for _ in evidence]


def test_a_ruling_is_read_as_a_whole_and_a_report_sentence_by_sentence():
    claim = "The state's unemployment rate doubled in the last year."
    stance = Scored()
    ruled_ev = [replace(e, stance=s) for e, s in zip(evidence_of(RULING), stance.score(claim, ["."] * 6))]
    ruled = judge.ruling(claim, ruled_ev, searched="a test",
                         readings=direct.read(claim, ruled_ev, stance))
    assert ruled.decision is not None and ruled.decision.rulings and ruled.verdict.basis == "aggregate"
    assert "fact-checkers' rulings" in ruled.verdict.rationale
    report_text = sorted(EXAMPLES.glob("*.md"))[0].read_text(encoding="utf-8")
    report_ev = [replace(e, stance=s) for e, s in zip(evidence_of(report_text)[:6], stance.score(claim, ["."] * 6))]
    reported = judge.ruling(claim, report_ev, searched="a test", readings=direct.read(claim, report_ev, stance))
    assert reported.decision is not None and not reported.decision.rulings
    assert reported.verdict.basis == "direct"
