"""Issue 22: findings that cover the sources' points, an answer-first summary whose frame words are marked apart
from the quotes, headings from key phrases, damaged source text flagged, and the report suite's scoring. Pure
functions on hand-made evidence, and the demo collection (conftest's demo_engine) end to end."""

from __future__ import annotations

import json

import numpy as np

from conftest import EXAMPLES
from veracity.eval.report import (Nugget, ReportQuestion, answers_first, heading_copies_quote, load_questions,
                                  nugget_recall, present, report_text, score_report, word_count)
from veracity.pipeline.organise import document_sentences, key_heading, leans_back
from veracity.pipeline.organise.damage import damaged_document, damaged_sentence, odd_words
from veracity.pipeline.verify import verify_cited
from veracity.pipeline.write import ANSWERS, number_sources, summary
from veracity.render import render
from veracity.types import (MIXED, REFUTES, REFUTING, SUPPORTED, SUPPORTING, SUPPORTS, Candidate, Document,
                            Evidence, FindingDraft, Plan, Stance, Verdict)

QUESTION = "Did Chicago cooperate with ICE?"
TEXT = ("Chicago police handed arrest records to ICE in almost every case. He said so on Monday. "
        "The Chicago Police Department said it will not assist with deportations by ICE. "
        "The Welcoming City Ordinance bars police from civil immigration enforcement.")


def doc(text: str = TEXT, id: int = 1, title: str = "Chicago and ICE") -> Document:
    return Document(id=id, title=title, location=f"doc{id}.txt", publisher=None, published=None,
                    content_hash=str(id), group=id, text=text)


def candidate(d: Document, sentence: str, label: str | None = None, relevance: float = 0.5) -> Candidate:
    start = d.text.index(sentence)
    stance = Stance(label, {label: 0.9}) if label else None
    rng = np.random.default_rng(start)
    v = rng.normal(size=8).astype(np.float32)
    return Candidate(Evidence(d, start, start + len(sentence), sentence, relevance, stance), v / np.linalg.norm(v))


def drafts() -> list[FindingDraft]:
    d = doc()
    return [
        FindingDraft("Arrest records", SUPPORTING, (
            candidate(d, "He said so on Monday.", SUPPORTS),
            candidate(d, "Chicago police handed arrest records to ICE in almost every case.", SUPPORTS))),
        FindingDraft("Will not assist", REFUTING, (
            candidate(d, "The Chicago Police Department said it will not assist with deportations by ICE.",
                      REFUTES),)),
        FindingDraft("Welcoming City Ordinance", None, (
            candidate(d, "The Welcoming City Ordinance bars police from civil immigration enforcement."),)),
    ]


PLAN = Plan(question=QUESTION, claim="Chicago cooperated with ICE", is_yes_no=True, queries=(QUESTION,))


def verdict(label: str) -> Verdict:
    return Verdict(label=label, confidence=0.7, rationale="", stance_counts={})


# -- the answer first, frame words marked -------------------------------------------------------------------------

def test_summary_answers_first_in_frame_words_then_quotes_with_citations_in_place() -> None:
    groups = drafts()
    text = summary(groups, number_sources(groups), PLAN, verdict(SUPPORTED))
    first, *rest = text.sentences
    assert first.role == "frame" and first.citations == () and first.evidence == ()
    assert first.text == "Yes: the sources searched support the claim that Chicago cooperated with ICE."
    quotes = [s for s in rest if s.role != "frame"]
    assert all(s.citations and s.evidence for s in quotes)
    for s in quotes:  # every sentence attributed to a source is its exact words at its offsets
        e = s.evidence[0]
        assert TEXT[e.start:e.end] == s.text == e.quote
    assert "He said so on Monday." not in text.text  # a reference to nothing is passed over
    assert text.text.startswith(first.text)
    assert text.citations == tuple(dict.fromkeys(n for s in text.sentences for n in s.citations))


def test_a_contrast_word_stands_between_sentences_that_pull_opposite_ways() -> None:
    groups = drafts()
    parts = summary(groups, number_sources(groups), PLAN, verdict(SUPPORTED)).sentences
    texts = [s.text for s in parts]
    refuting = texts.index("The Chicago Police Department said it will not assist with deportations by ICE.")
    assert parts[refuting - 1].role == "frame" and parts[refuting - 1].text in ("However,", "But")
    supporting = texts.index("Chicago police handed arrest records to ICE in almost every case.")
    assert parts[supporting - 1].role == "frame" and parts[supporting - 1].text.startswith("Yes")  # no contrast


def test_every_verdict_has_an_answer_and_mixed_says_in_part() -> None:
    groups = drafts()
    text = summary(groups, number_sources(groups), PLAN, verdict(MIXED))
    assert text.sentences[0].text.startswith("In part:")
    assert set(ANSWERS) >= {SUPPORTED, MIXED}


def test_verify_drops_a_summary_quote_that_is_not_its_source_text_with_its_contrast_word() -> None:
    groups = drafts()
    sources = number_sources(groups)
    text = summary(groups, sources, PLAN, verdict(SUPPORTED))
    tampered = doc(TEXT.replace("will not assist", "will gladly assist"))
    kept, failures = verify_cited(text, sources, {1: tampered})
    assert "will not assist" not in kept.text and failures
    assert [s.text for s in kept.sentences if s.role == "frame"] == [text.sentences[0].text]
    kept, failures = verify_cited(text, sources, {1: doc()})
    assert kept.text == text.text and not failures


def test_renderers_mark_frame_words_and_escape_the_quotes() -> None:
    from veracity.types import CitedText, Report, Sentence

    hostile = doc("The <script>alert(1)</script> record went to ICE in almost every case.")
    c = candidate(hostile, hostile.text, SUPPORTS)
    groups = [FindingDraft("Records", SUPPORTING, (c,))]
    sources = number_sources(groups)
    text = summary(groups, sources, PLAN, verdict(SUPPORTED))
    report = Report(id="x", question=QUESTION, claim=PLAN.claim, checked_on="2026-01-01", queries=(QUESTION,),
                    sources=tuple(sources.values()), independent_sources=1, summary=text, findings=(),
                    bottom_line=CitedText("Bottom.", ()), follow_up_questions=(), verdict=verdict(SUPPORTED),
                    timings_ms={}, versions={})
    html = render(report, "html")
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert '<em class="frame">Yes: the sources searched' in html
    md = render(report, "markdown")
    assert "*Yes: the sources searched support the claim that Chicago cooperated with ICE.*" in md
    assert "every case. [1]" in md
    data = json.loads(render(report, "json"))
    assert [s["role"] for s in data["summary"]["sentences"]] == ["frame", "quote"]
    assert isinstance(Sentence, type)


# -- references to nothing, damaged text, headings ---------------------------------------------------------------

def test_a_sentence_that_refers_to_something_it_does_not_name_is_told_apart() -> None:
    assert leans_back("The Chicago Police Sent Ice The Arrest Records for that Case on March 28.")
    assert leans_back("He Says the Coalition Asked the Attorney General to investigate.")
    assert not leans_back("Chicago officials have made it clear that they will not comply.")
    assert not leans_back("It names the Origin of those targeted by the Department.".replace("It", "Records"))


def test_the_garbled_sun_times_copy_is_damaged_and_the_clean_articles_are_not() -> None:
    def sentences(name: str) -> list[str]:
        return [t for _, _, t in document_sentences(doc((EXAMPLES / name).read_text(encoding="utf-8")))]

    assert damaged_document(sentences("sun-times-cpd-records-to-feds.md"))
    assert not damaged_document(sentences("visaverge-chicago-sanctuary-memo.md"))
    assert not damaged_document(sentences("chicago-pd-will-not-assist-ice.md"))
    assert "examinate" in odd_words("Members say they want to examinate the examine of misconduct.")
    assert damaged_sentence("Chicago Became a Sanctanty City in 1985 Under The Mayor And The Council.")
    assert not damaged_sentence("Chicago became a sanctuary city in 1985 under Mayor Harold Washington.")


def test_a_heading_is_a_key_phrase_not_the_opening_words_of_its_quote() -> None:
    pool = [s for _, _, s in document_sentences(doc())]
    sentence = "The Welcoming City Ordinance bars police from civil immigration enforcement."
    heading = key_heading(sentence, pool, set())
    assert 2 <= len(heading.split()) <= 7
    assert not heading_copies_quote(heading, [sentence])
    assert heading_copies_quote("The Welcoming City Ordinance bars…", [sentence])


def test_a_damaged_sources_heading_takes_the_casing_of_clean_text() -> None:
    clean = ["Police gave ICE the arrest records of immigrants.", "ICE asked for records."]
    heading = key_heading("The Chicago Police Sent Ice The Arrest Records for that Case on March 28.",
                          clean, set(), clean, damaged=True)
    assert "Ice" not in heading.split() and "The" not in heading.split()[1:]


# -- the report suite's scoring ----------------------------------------------------------------------------------

def test_nuggets_are_present_when_every_term_of_one_alternative_is() -> None:
    n = Nugget("records to ICE", (("arrest records", "ICE"), ("handed over",)))
    assert present(n, "Police gave Arrest  Records to ice.")
    assert present(n, "They handed over documents.")
    assert not present(n, "Arrest records were kept.")
    assert nugget_recall((n, Nugget("x", (("ordinance",),))), "handed over") == 0.5
    assert word_count("Yes: the sources’ words, counted.") == 5


def test_the_suite_has_twenty_questions_with_nuggets_over_articles_it_names() -> None:
    keys, questions = load_questions()
    assert len(questions) >= 20 and len({q.id for q in questions}) == len(questions)
    assert all(q.document in keys and len(q.nuggets) >= 4 for q in questions)


def test_a_demo_report_scores_its_nuggets_answers_first_and_flags_the_damaged_source(demo_engine) -> None:
    report = demo_engine.check(QUESTION, save=False)
    assert answers_first(report)
    q = ReportQuestion("demo", "", QUESTION, (Nugget("arrest records", (("arrest records",),)),
                                              Nugget("never said", (("zebra crossing",),))))
    row = score_report(q, report)
    assert row["nugget_recall"] == 0.5 and row["missing"] == ["never said"] and row["mode"] == "extractive"
    assert row["summary_words"] <= 120 and row["report_words"] <= 700
    assert row["headings_copying_quote"] * 5 <= row["headings"]
    sun_times = next(s for s in report.sources if "Sun-Times" in (s.publisher or ""))
    roles = {s.role for f in report.findings for s in f.sentences if s.citations == (sun_times.id,)}
    assert roles == {"damaged"}
    assert any(f.stage == "source" and f"[{sun_times.id}]" in f.message for f in report.failures)
    assert "(damaged text: quoted as it stands)" in render(report, "markdown")
    documents = {d.id: d for d in demo_engine.store.documents([s.document_id for s in report.sources]).values()}
    by_number = {s.id: documents[s.document_id] for s in report.sources}
    for s in [*report.summary.sentences, *(x for f in report.findings for x in f.sentences)]:
        if s.role != "frame":  # every printed source sentence is its cited document's text at its offsets
            e = s.evidence[0]
            assert by_number[e.source].text[e.start:e.end] == s.text
    assert report_text(report).startswith(report.summary.text)


def test_the_web_page_sets_veracitys_own_words_apart_from_the_quotes(demo_engine):
    """Issue 22, item 2: the frame words (the answer, "However,") are marked on the web page as in every renderer,
    and source text inside them stays escaped."""
    from pathlib import Path

    from jinja2 import Environment, FileSystemLoader, select_autoescape

    import veracity.service.pages as pages

    report = demo_engine.check("Did Chicago cooperate with ICE?", save=False)
    frames = [s.text for s in report.summary.sentences if s.role == "frame"]
    assert frames, report.summary.text
    env = Environment(loader=FileSystemLoader(Path(pages.__file__).parent / "templates"),
                      autoescape=select_autoescape())
    env.globals["verdict_title"] = pages.VERDICT_TITLE
    page = env.get_template("report.html").render(**pages.report_view(report, "job1"), csrf="t", request=None,
                                                  job={"id": "j1"})
    from markupsafe import escape

    assert f'<em class="frame">{escape(frames[0])}</em>' in page
