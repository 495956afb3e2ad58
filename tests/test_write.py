"""organise's headings and write's bottom line and follow-up questions (pure functions, no store)."""

import pytest

from veracity.pipeline.organise import clause
from veracity.pipeline.write import bottom_line, follow_ups, names
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


def finding(*texts: str) -> Finding:
    return Finding(heading="h", role="context", sentences=tuple(Sentence(t, (1,), ()) for t in texts))


def test_the_mixed_bottom_line_quotes_the_claim_before_explaining():
    verdict = Verdict("mixed", 0.8, "The sources disagree.", {})
    text = bottom_line(PLAN, verdict, []).text
    assert text.startswith("The sources searched are mixed on the claim “Chicago cooperated with ICE”: some of")
    assert "(high confidence, 80%)" in text


def test_follow_ups_name_what_the_findings_mention_and_keep_proper_nouns_capitalised():
    findings = [finding("The Chicago Police Department announced that it will not assist ICE."),
                finding("Mayor Brandon Johnson’s office rejected the amendment."),
                finding("Since then President Donald Trump Returned to the topic of raids.")]
    texts = ["The Chicago Police Department announced it. The Chicago Police Department said so.",
             "Mayor Brandon Johnson’s office rejected the amendment. Mayor Brandon Johnson spoke.",
             "Since then President Donald Trump Returned to the topic of raids."]  # a garbled run, once
    questions = follow_ups(PLAN, findings, Verdict("mixed", 0.8, "", {}), None, texts)
    assert not any("Returned" in q for q in questions), questions
    assert "What else do other sources report about Chicago Police Department?" in questions
    assert "What else do other sources report about Mayor Brandon Johnson?" in questions
    assert "What evidence would settle whether Chicago cooperated with ICE?" in questions
    assert 2 <= len(questions) <= 5


def test_title_case_sentences_and_cut_names_give_no_topics():
    garbled = finding("The Chicago Police Sent Ice The Arrest Records for that Case on March 28 at Least Two Times.")
    questions = follow_ups(PLAN, [garbled], None, None)
    assert not any(q.startswith("What else") for q in questions), questions
    assert len(questions) >= 2
    assert names("In 2025, U.S. Immigration and Customs Enforcement (ICE) acted.") == ["ICE"]


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
