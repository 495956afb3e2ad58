"""Issue 22, coverage: what the question asks about its names (the focus) weighs beside the queries, and a
finding that states facts the report lacks (a name, a number, a rule) comes before one that repeats it. Pure
functions, the real embedder, and the demo collection (conftest's demo_engine) end to end."""

from __future__ import annotations

from veracity.eval.report import report_text
from veracity.pipeline.organise import fact_weights, facts, focus_of, news, relevance_to

# from a CNN article of the report suite's (FRANK dev): the article is about a stay in hospital
HOSPITAL = ("(CNN)Blues legend B.B. King was hospitalized for dehydration, though the ailment didn't keep him out "
            "for long.")
HONOURS = "He was inducted into the Rock and Roll Hall of Fame in 1987, and has 30 Grammy nominations."


def test_the_focus_is_what_the_question_asks_about_its_names() -> None:
    assert focus_of("What honours has B.B. King received?") == "honours received"
    assert focus_of("Did Chicago cooperate with ICE?", ("Chicago", "ICE")) == "cooperate"
    assert focus_of("Who is Louis Jordan?") == ""


def test_the_focus_ranks_the_sentence_that_answers_above_one_that_only_names_the_subject(demo_engine) -> None:
    embed = demo_engine.embedder.embed
    question = "What honours has B.B. King received?"
    queries = embed([question, "honours B.B King received", "received honours King"])
    hospital, honours = embed([HOSPITAL, HONOURS])
    assert relevance_to(hospital, queries, None) > relevance_to(honours, queries, None)  # the name decides
    focus = embed([focus_of(question)])[0]
    assert relevance_to(honours, queries, focus) > relevance_to(hospital, queries, focus)


def test_a_sentences_facts_are_its_names_numbers_and_rules() -> None:
    assert facts("Anchoring its efforts is Chicago’s Welcoming City Ordinance, which bars the CPD from it.") >= {
        "chicago", "welcoming", "city", "ordinance", "cpd"}
    assert "rule: supervisor must" in facts("According to city ordinance, a supervisor must respond to the scene.")
    assert {"1987", "30"} <= facts("He was inducted into the Hall of Fame in 1987 and has 30 Grammy nominations.")
    garbled = "The Chicago Police Sent Ice The Arrest Records on March 28."
    assert facts(garbled, damaged=True) == {"28"}  # a damaged text's capitals are not names


def test_new_facts_raise_a_point_and_facts_the_report_states_do_not() -> None:
    stated = [facts("The Welcoming City Ordinance bars it."), facts("Mayor Johnson wants the Welcoming City "
                                                                     "Ordinance kept."), facts("Chicago said no.")]
    weight = fact_weights(stated)
    assert weight["welcoming"] > weight["johnson"] == 1.0  # a name the sources keep using weighs more
    assert news(stated[1], weight, set()) > news(stated[1], weight, {"welcoming", "city", "ordinance"}) > 0
    assert news(stated[2], weight, {"chicago"}) == 0.0


def test_the_demo_report_carries_the_welcoming_city_ordinance(demo_engine) -> None:
    """The ordinance is named in two of the three demo articles; before facts counted, no finding named it."""
    report = demo_engine.check("Did Chicago cooperate with ICE?", save=False)
    assert "Welcoming City Ordinance" in report_text(report)
    assert len(report.findings) <= 7


# -- headings that name the point ----------------------------------------------------------------------------------

def test_a_heading_has_three_words_or_more_and_skips_a_leading_aside() -> None:
    from veracity.eval.report import thin_heading
    from veracity.pipeline.organise import key_heading

    pool = ["Police gave ICE the arrest records of immigrants.", "ICE asked for records.",
            "The mayor said the city would not help."]
    sentence = ("In almost every case, records obtained by the newspaper show, the police department has handed "
                "over documents that include the names and addresses of those targeted by ICE.")
    heading = key_heading(sentence, pool, set())
    assert not thin_heading(heading) and "case" not in heading.lower()
    assert thin_heading("Memo limiting") and not thin_heading("Welcoming City Ordinance")


def test_a_heading_keeps_a_number_whole_and_a_verb_with_its_object() -> None:
    from veracity.pipeline.organise.headings import key_heading, only_verb

    pool = ["Russia were fined too.", "The match was abandoned.", "Fans threw flares."]
    assert "50,000" in key_heading("Finally, the association has been fined 50,000 euros for the flares.", pool, set())
    heading = key_heading("Athens implemented sweeping pension reforms demanded by its creditors last spring.",
                          pool, set())
    assert not only_verb(heading.split()[-1])  # not "... reforms demanded", its agent cut off


def test_an_open_questions_unsettled_answer_reads_as_a_sentence() -> None:
    from veracity.pipeline.write import answer
    from veracity.types import NOT_ENOUGH_EVIDENCE, Plan, Verdict

    q = "What honours has B.B. King received?"
    plan = Plan(question=q, claim=q, is_yes_no=False, queries=(q,), is_open=True)
    text = answer(plan, Verdict(label=NOT_ENOUGH_EVIDENCE, confidence=0.5, rationale="", stance_counts={}))
    assert text.startswith("Not settled: ") and "the claim that" not in text


def test_the_demo_report_carries_the_rule_a_supervisor_follows(demo_engine) -> None:
    """The Chicago PD article's rule (a supervisor responds, and declines a civil-immigration request) sits in a
    point led by a damaged source's sentence; the point is ranked by the clean sentence that would lead it."""
    report = demo_engine.check("Did Chicago cooperate with ICE?", save=False)
    assert "supervisor" in report_text(report)


# -- LLM mode: the model's headings are held to the same measures -------------------------------------------------

def test_a_models_heading_stands_only_when_it_names_the_point_in_its_own_words() -> None:
    import numpy as np

    from veracity.pipeline.helpers.prose import evidence_block, sound_heading
    from veracity.types import Candidate, Document, Evidence, FindingDraft

    text = "Chicago police handed arrest records to ICE in almost every case, records show."
    d = Document(id=1, title="t", location="a.txt", publisher=None, published=None, content_hash="1", group=1,
                 text=text)
    group = FindingDraft("Arrest records handed to ICE", None,
                         (Candidate(Evidence(d, 0, len(text), text, 0.5), np.ones(4, dtype=np.float32) / 2),))
    assert sound_heading("Police gave ICE arrest records", group, set())
    assert not sound_heading("Records", group, set())  # says little
    assert not sound_heading("Chicago police handed arrest records", group, set())  # its quote's opening words
    assert not sound_heading("Police gave ICE arrest records", group, {"police gave ice arrest records"})
    assert not sound_heading("Police gave ICE 400 arrest records", group, set())  # a number its evidence lacks
    # the model is given the finding's point (its extractive heading) as its plan
    assert "Finding 1 (evidence), its point: Arrest records handed to ICE" in evidence_block([group], {1: 1})


def test_a_credit_line_is_no_finding() -> None:
    from veracity.pipeline.organise import document_sentences
    from veracity.types import Document

    text = ("The singer was taken to hospital on Friday after a long tour of eleven cities. "
            "CNN's Greg Botelho and Sonya Hamasaki contributed to this report.")
    d = Document(id=1, title="t", location="a.txt", publisher=None, published=None, content_hash="1", group=1,
                 text=text)
    assert [t for _, _, t in document_sentences(d)] == [text.split(". ")[0] + "."]
