"""An open question ("What is ...?", "How ...?") is neither true nor false (issue 21, item 4): its verdict gives
the leading answer and whether the sources agree on it (answered, disputed, not_enough_evidence), never
supported, refuted or mixed; the JSON and every renderer say so."""

from __future__ import annotations

import io
import json

import pytest
from rich.console import Console

from veracity.labels import ANSWER_LABELS, CLAIM_LABELS, VERDICT_LABELS
from veracity.pipeline.judge import agreement, judge
from veracity.pipeline.plan import plan
from veracity.render import render
from veracity.render.terminal import print_report
from veracity.types import Document, Evidence, Selection, Stance

QUESTION = "What is the current policy for Chicago police cooperation with ICE operations?"


def doc(i: int) -> Document:
    return Document(id=i, title=f"d{i}", location=f"d{i}.txt", publisher=None, published=None,
                    content_hash=str(i), group=i, text="x")


class Scripted:
    """A stance model that answers from a table: quote -> (supports, refutes)."""

    name = version = "scripted"

    def __init__(self, table: dict[str, tuple[float, float]]) -> None:
        self.table = table

    def score(self, claim: str, evidence: list[str]) -> list[Stance]:
        out = []
        for quote in evidence:
            s, r = (1.0, 0.0) if quote == claim else self.table[quote]
            scores = {"supports": s, "refutes": r, "neutral": round(1 - s - r, 4)}
            out.append(Stance(max(scores, key=lambda k: scores[k]), scores))
        return out


def evidence(quotes: list[str]) -> list[Evidence]:
    # the first quote is the most relevant: the leading answer
    return [Evidence(document=doc(i), start=0, end=1, quote=q, relevance=0.9 - 0.1 * i) for i, q in enumerate(quotes)]


@pytest.mark.parametrize("others, label, words", [
    ({"b": (0.9, 0.05), "c": (0.85, 0.05)}, "answered", "2 other independent sources agree with it"),
    ({"b": (0.9, 0.05), "c": (0.05, 0.9)}, "disputed", "the sources disagree"),
    ({"b": (0.05, 0.9)}, "disputed", "the sources disagree"),
    ({"b": (0.1, 0.1)}, "not_enough_evidence", "No other independent source confirms or contradicts it"),
])
def test_the_open_verdict_says_whether_the_sources_agree_on_the_answer(others, label, words):
    _, v = agreement(evidence(["a", *others]), Scripted(others), searched="3 queries")
    assert v.label == label and words in v.rationale and v.rationale.startswith("The leading answer, from “d0”")
    assert 0.0 <= v.confidence <= 1.0


def test_an_open_question_with_no_evidence_is_not_answered():
    p = plan("What did the council decide about the zoo?")
    judged = judge(p, Selection(candidates=()), Scripted({}), searched="3 queries over 3 documents")
    assert judged.verdict is not None and judged.verdict.label == "not_enough_evidence"
    assert "answer" in judged.verdict.rationale and "false" not in judged.verdict.rationale


def test_the_labels_are_defined_once():
    assert set(ANSWER_LABELS) & set(CLAIM_LABELS) == {"not_enough_evidence"}
    assert set(VERDICT_LABELS) == set(ANSWER_LABELS) | set(CLAIM_LABELS)


def test_the_issue_question_gets_an_answer_not_a_truth_label(demo_engine):
    """Before: "Supported (71%)"."""
    report = demo_engine.check(QUESTION, save=False)
    assert report.open_question and report.verdict is not None
    assert report.verdict.label in ANSWER_LABELS and report.verdict.label not in ("supported", "refuted", "mixed")
    data = json.loads(render(report, "json"))
    assert data["open_question"] is True and data["verdict"]["label"] == report.verdict.label
    title = {"answered": "Answered", "disputed": "Disputed", "not_enough_evidence": "Not enough evidence"}
    note = {"answered": "the sources agree on the leading answer", "disputed": "the sources disagree on the answer",
            "not_enough_evidence": "no other source confirms or contradicts the leading answer"}
    label = report.verdict.label
    markdown = render(report, "markdown")
    assert f"**Verdict: {title[label]}** — {note[label]}" in markdown and "Supported" not in markdown
    html = render(report, "html")
    assert f'class="verdict {label}">Verdict: {title[label]} — {note[label]}' in html
    buffer = io.StringIO()
    print_report(report, Console(file=buffer, width=200))
    assert f"Verdict: {title[label]} — {note[label]}" in buffer.getvalue()
    # the answer itself, with its evidence: the summary quotes the leading answer and cites it
    assert report.verdict.rationale.startswith("The leading answer, from")
    assert report.summary.citations and "answer to" in report.bottom_line.text


def test_a_claim_keeps_the_claim_labels(demo_engine):
    report = demo_engine.check("Chicago police will not assist ICE with deportations.", save=False)
    assert not report.open_question and report.verdict is not None and report.verdict.label in CLAIM_LABELS
    assert " — " not in render(report, "markdown").split("**Verdict:")[1].split("\n")[0]


def test_the_report_page_shows_the_open_label_and_what_it_means(demo_engine):
    from pathlib import Path

    from jinja2 import Environment, FileSystemLoader, select_autoescape

    import veracity.service.pages as pages

    report = demo_engine.check(QUESTION, save=False)
    templates = Path(pages.__file__).parent / "templates"
    env = Environment(loader=FileSystemLoader(templates), autoescape=select_autoescape())
    env.globals["verdict_title"] = pages.VERDICT_TITLE
    page = env.get_template("report.html").render(**pages.report_view(report, "job1"), csrf="t", request=None,
                                                job={"id": "j1"})
    label = report.verdict.label
    assert f'<p class="verdict {label}"><span class="label">Verdict: {pages.VERDICT_TITLE[label]} — ' in page
    assert "Supported" not in page
