"""organise's headings and write's bottom line and follow-up questions (pure functions, no store)."""

import pytest

from veracity.pipeline.organise.headings import clause
from veracity.pipeline.write import bottom_line, follow_ups
from veracity.types import Finding, Plan, Sentence, Verdict


@pytest.mark.parametrize("sentence, expected", [
    ("Despite President Trump’s promises, Chicago officials have made it clear that they will not comply "
     "with his immigration policies.", "Chicago officials have made it clear that they will not comply…"),
    ("On the other hand, many officers understand and support the rationale behind Chicago’s stance.",
     "Many officers understand and support the rationale behind Chicago’s stance"),
    ("Officials said that the new rules, which take effect in May, would not apply to the city of Chicago or "
     "any of its suburbs at all.", "Officials said that the new rules would not apply to the city of Chicago…"),
    ("In early 2025, U.S. Immigration and Customs Enforcement (ICE) launched operations in Chicago.",
     "U.S. Immigration and Customs Enforcement launched operations in Chicago"),
    ("Spokespeople for ICE didn’t respond to requests for comment; the city did.",
     "Spokespeople for ICE didn’t respond to requests for comment"),
    ("And, in 2012, the City Council approved the Welcoming City Ordinance, which barred police from helping.",
     "The City Council approved the Welcoming City Ordinance"),
    ("But, as the records show, there are limits on what information can be withheld.",
     "There are limits on what information can be withheld"),
])
def test_a_heading_is_the_main_clause_in_the_sources_words(sentence, expected):
    assert clause(sentence) == expected


def test_a_cut_heading_never_ends_on_a_negation_auxiliary_or_article():
    sentence = "The mayor said on Monday in a long statement that the city would not under any circumstances help."
    heading = clause(sentence)
    last = heading.rstrip("…").split()[-1].lower()
    assert last not in {"not", "would", "the", "a", "that"}, heading
    assert heading.startswith("The mayor said on Monday")


PLAN = Plan(question="Did Chicago cooperate with ICE?", claim="Chicago cooperated with ICE", is_yes_no=True,
            queries=("Chicago cooperated with ICE",))


def test_the_mixed_bottom_line_is_one_sentence_that_quotes_the_claim():
    verdict = Verdict("mixed", 0.8, "The sources disagree (support 0.88, refute 0.91).", {})
    text = bottom_line(PLAN, verdict, []).text
    assert text.startswith("The sources searched are mixed on the claim “Chicago cooperated with ICE”: some of")
    assert text.endswith("only in part.") and "confidence" not in text and "0.88" not in text


def test_follow_ups_ask_what_the_sources_leave_open_never_about_a_bare_name():
    findings = [Finding("h", (Sentence("The police sent arrest records to ICE in March.", (1,), ()),), "supporting"),
                Finding("h", (Sentence("The Chicago Police Department said it will not assist ICE.", (2,), ()),),
                        "refuting")]
    texts = ["The police sent arrest records to ICE in March. Alderman Ana Ruiz is calling for an investigation "
             "into the records sent to ICE. The Chicago Police Department said so again.",
             "The Chicago Police Department said it will not assist ICE. A spokesperson for ICE declined to comment "
             "on the Chicago records.",
             "Since Then President Donald Trump Returned To The Topic, Calling For An Investigation Of Chicago."]
    questions = follow_ups(PLAN, findings, Verdict("mixed", 0.8, "", {}), None, texts)
    assert questions[0] == ("How do these fit together: “The police sent arrest records to ICE in March”, "
                            "yet “The Chicago Police Department said it will not assist ICE”?")
    assert "Alderman Ana Ruiz is calling for an investigation into the records sent to ICE: what came of it?" in questions
    assert "A spokesperson for ICE declined to comment on the Chicago records: is there an answer now?" in questions
    assert not any("Returned" in q or "Trump" in q for q in questions), questions  # a garbled sentence
    assert not any(q.startswith("What else") for q in questions) and 2 <= len(questions) <= 5


def test_with_nothing_left_open_the_follow_ups_ask_about_the_claim():
    garbled = Finding("h", (Sentence("The Chicago Police Sent Ice The Arrest Records for that Case on March 28 at "
                                     "Least Two Times.", (1,), ()),), "context")
    questions = follow_ups(PLAN, [garbled], None, "2025-06-05")
    assert questions == ["What has been reported on this since 2025-06-05?",
                         "Which primary documents (records, rulings, statements) bear on “Did Chicago cooperate with ICE?”?"]


def candidate(doc_id: int, quote: str, relevance: float):
    import numpy as np

    from veracity.types import Candidate, Document, Evidence

    doc = Document(id=doc_id, title=f"d{doc_id}", location=f"d{doc_id}", publisher=None, published=None,
                   content_hash=str(doc_id), group=doc_id, text=quote)
    return Candidate(Evidence(doc, 0, len(quote), quote, relevance), np.ones(3, dtype=np.float32) / 3 ** 0.5)


def test_the_summary_passes_over_sentences_that_lean_on_what_came_before():
    from veracity.pipeline.write import number_sources, summary
    from veracity.types import FindingDraft

    groups = [FindingDraft("a", None, (candidate(1, "The city sent the records to ICE in March.", 0.9),)),
              FindingDraft("b", None, (candidate(2, "On the other hand, officers support the city's stance.", 0.95),
                                       candidate(2, "Officers were told not to assist federal agents.", 0.5))),
              FindingDraft("c", None, (candidate(3, "They also said nothing else.", 0.99),))]
    text = summary(groups, number_sources(groups)).text
    assert text == "The city sent the records to ICE in March. Officers were told not to assist federal agents."
