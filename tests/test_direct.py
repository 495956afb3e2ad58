"""The direct path: a verdict that decides when a source states the claim or its opposite (issue 21), on the demo
collection with the shipped models and a real SQLite store."""

import pytest

from veracity.pipeline.judge import direct
from veracity.pipeline.judge import Decision, Tally, rationale, unsettled
from veracity.pipeline.judge.align import RESTATED_P, restated_otherwise
from veracity.types import MIXED, NOT_ENOUGH_EVIDENCE, REFUTED, SUPPORTED, REFUTES, SUPPORTS

# Claims over the demo articles, each with the label a careful reader of the three articles gives.
DEMO_CLAIMS = [
    ("The cost of sheltering migrants in Chicago has reached $574.5 million since August 2022.", SUPPORTED),
    ("The Chicago Police Department will not assist with upcoming deportations by ICE in the city.", SUPPORTED),
    ("More than 20,000 migrants have arrived in Chicago since August 2022.", SUPPORTED),
    ("The Illinois Trust Act was signed in 2019.", REFUTED),  # the garbled copy: "Signed In 2017 by ..."
    ("In 2012 the City Council rejected the Welcoming City Ordinance.", REFUTED),  # "... Approved Mayor Rahm ..."
]
# Claims the articles never address: never refuted because the search found nothing that says so.
UNADDRESSED = [
    "Brandon Johnson was elected mayor of Chicago in April 2023.",
    "Chicago's police department hired 500 new officers in 2024.",
]


@pytest.fixture(scope="module")
def reports(demo_engine):
    claims = [c for c, _ in DEMO_CLAIMS] + UNADDRESSED
    return {c: demo_engine.check(c, save=False) for c in claims}


def test_the_direct_heads_ship_for_the_stance_model_that_ships():
    model = direct.fitted()
    assert model is not None, "veracity/models/direct.json is missing or fitted for another stance model"
    assert 0.5 <= model[SUPPORTED]["threshold"] < 1 and 0.5 <= model[REFUTED]["threshold"] < 1


@pytest.mark.parametrize("claim, label", DEMO_CLAIMS)
def test_a_claim_an_article_states_gets_its_label(reports, claim, label):
    v = reports[claim].verdict
    assert v is not None and v.label == label, (v.label, v.confidence, v.rationale)
    assert v.confidence >= 0.5


GARBLED = "Mary Richardson-Lowry is Chicago's Corporation Counsel."  # said only in the garbled Sun-Times copy


def test_a_claim_a_garbled_source_states_is_never_refuted(demo_engine):
    v = demo_engine.check(GARBLED, save=False).verdict
    assert v is not None and v.label != REFUTED, v.rationale  # 0.2.0 refuted it at 0.87


@pytest.mark.xfail(strict=True, reason="the only source is the garbled copy ('Who AS Johnson's Corporation Counsel "
                   "is City Hall's Top Lawyer'): the stance model gives P(supported) 0.38")
def test_a_claim_a_garbled_source_states_is_supported(demo_engine):
    v = demo_engine.check(GARBLED, save=False).verdict
    assert v is not None and v.label == SUPPORTED, v.rationale


NEGATED = "The Chicago Police Department will assist ICE with upcoming deportations in the city."


def test_a_claim_an_article_negates_is_never_called_supported(demo_engine):
    v = demo_engine.check(NEGATED, save=False).verdict
    assert v is not None and v.label != SUPPORTED, v.rationale


def test_a_claim_an_article_negates_is_refuted(demo_engine):
    """The stance model reads "will not be assisting" as support for "will assist" (P(supported) 0.63); the article
    restates the claim with a negation put in, so it is refuted, and that sentence is filed as contradicting."""
    report = demo_engine.check(NEGATED, save=False)
    v = report.verdict
    assert v is not None and v.label == REFUTED, v.rationale
    assert v.confidence == pytest.approx(RESTATED_P) and "a negation put in or taken out" in v.rationale
    filed = {e.quote: e.stance.label for f in report.findings for s in f.sentences for e in s.evidence if e.stance}
    assert [label for quote, label in filed.items() if "will not be assisting" in quote] == [REFUTES], filed


OTHER_NUMBER = "The cost of sheltering migrants in Chicago has reached $900 million since August 2022."


def test_a_claim_with_another_number_than_its_source_is_refuted(demo_engine):
    v = demo_engine.check(OTHER_NUMBER, save=False).verdict
    assert v is not None and v.label == REFUTED, v.rationale
    assert "$574.5 million" in v.rationale and "another number" in v.rationale


@pytest.mark.parametrize("claim, sentence, kind", [
    ("The Chicago Police Department will assist ICE with upcoming deportations in the city.",
     "The Chicago Police Department announced on Monday that they will not be assisting with upcoming deportations "
     "by U.S. Immigration and Customs Enforcement (ICE) in the city.", "negation"),
    ("Chicago police document immigration status and share it with federal agencies.",  # a pronoun for the subject
     "They do not document immigration status or share this information with federal agencies.", "negation"),
    ("Honus Wagner dropped out of school at age 14 to help his father.",
     "Wagner dropped out of school at age 12 to help his father and brothers in the coal mines.", "number"),
    ("Residents protested a proposed $6 million property tax increase.",
     "Residents protested against a proposed $60 million property tax increase.", "number"),
    ("The Illinois Trust Act was signed in 2019.",  # the number at the claim's end
     "The Illinois Trust Act, Signed In 2017 by Then-Gov. Bruce Rauner, established similar protections.", "number"),
    ("In 2012 the City Council rejected the Welcoming City Ordinance.",  # a word's opposite in its place
     "And, in 2012, the City Council approved Mayor Rahm Emanuel's Welcoming City Ordinance.", "antonym"),
    ("Exercise temporarily decreases the heart rate.",
     "Exercise temporarily increases the rate, but lowers resting heart rate in the long term.", "antonym"),
    ("Chicago officials said the city would comply with President Trump's immigration policies.",  # another order
     "Despite President Trump's promises, Chicago officials have made it clear that they will not comply with his "
     "immigration policies.", "negation"),
    # the same claim, or a difference that is not a restatement with one thing changed
    ("Only 44 per cent of her fan base consists of real people.",  # "no more than": a bound, not a negation
     "No more than 44 per cent of her Twitter fan base consists of real people.", None),
    ("Officials said the city would comply with the policies.",  # the claim's words too far apart
     "The policies, officials said on Monday after a long meeting in which the council heard from residents, "
     "lawyers, police officers, teachers and advocates, are ones the city would not comply with.", None),
    ("The Illinois Trust Act was signed in 2017.", "The Illinois Trust Act, signed in 2017 by Bruce Rauner.", None),
    ("The Illinois Trust Act was signed in 2017.",  # no number right after the same words
     "The Illinois Trust Act was signed in more than 2 parts.", None),
    ("A married couple is walking down the aisle.",  # up and down: the same walk
     "A married couple is walking up the aisle.", None),
    ("In 2012 the City Council rejected the ordinance.",  # an opposite, but the claim's year is not in the sentence
     "The City Council approved the ordinance.", None),
    ("The Chicago Police Department said it will not assist with upcoming deportations.",
     "The Chicago Police Department announced that they will not be assisting with upcoming deportations.", None),
    ("More than 50,000 migrants have arrived in Chicago since August 2022.",  # a bound: not another value
     "More than 20,000 migrants have arrived in the city since August 2022.", None),
    ("Cadet Kelly was not released in 2002.", "Cadet Kelly failed to be released.", None),  # a negative word
    ("Halsey did not sign her first recording contract in 2014.",  # the claim's year is not in the sentence
     "In 2018, she signed her first recording contract with Astralwerks.", None),
    ("Gold is resistant to most chemical reactions.",  # a content word changed beside the negation
     "As the gold acts simply as a solute, this is not a chemical reaction.", None),
    ("Ninety-two percent of abortions take place before 15 weeks.",  # two numbers changed
     "Ninety-nine percent of abortions take place before 20 weeks.", None),
])
def test_a_restatement_with_one_negation_number_or_opposite_changed(claim, sentence, kind):
    assert restated_otherwise(claim, sentence) == kind


def test_not_enough_evidence_never_states_zero_where_both_heads_are_high():
    made = unsettled({SUPPORTED: 0.5527, REFUTED: 0.4473, NOT_ENOUGH_EVIDENCE: 0.0}, None)
    assert made.label == NOT_ENOUGH_EVIDENCE and made.confidence >= 0.25
    assert made.probabilities is not None and sum(made.probabilities.values()) == pytest.approx(1.0, abs=1e-3)
    assert made.confidence == made.probabilities[NOT_ENOUGH_EVIDENCE]
    low = unsettled({SUPPORTED: 0.05, REFUTED: 0.05, NOT_ENOUGH_EVIDENCE: 0.9}, None)
    assert low.confidence == 0.9 and low.probabilities[SUPPORTED] == 0.05  # below a sum of 1: the remainder


@pytest.mark.parametrize("claim", UNADDRESSED)
def test_a_claim_the_articles_never_address_is_not_refuted(reports, claim):
    v = reports[claim].verdict
    assert v is not None and v.label in (NOT_ENOUGH_EVIDENCE, SUPPORTED), (v.label, v.rationale)
    assert v.label != REFUTED


def test_confidence_is_the_probability_of_the_label_stated(reports):
    for claim, report in reports.items():
        v = report.verdict
        assert v is not None and v.probabilities is not None
        assert v.confidence > 0.0, f"{claim}: a stated confidence of 0%"
        if v.label in v.probabilities and v.basis == "direct":
            assert v.confidence == pytest.approx(v.probabilities[v.label], abs=1e-3), claim
        assert sum(v.probabilities.values()) == pytest.approx(1.0, abs=1e-3)


def test_a_supported_claims_near_verbatim_source_is_filed_as_supporting(reports):
    report = reports["More than 20,000 migrants have arrived in Chicago since August 2022."]
    quotes = [(e.quote, e.stance.label) for f in report.findings for s in f.sentences for e in s.evidence if e.stance]
    near = [label for quote, label in quotes if "20,000 migrants" in quote]
    assert near and all(label == SUPPORTS for label in near), quotes


def test_findings_are_filed_by_the_judges_own_scores(reports):
    for report in reports.values():
        for f in report.findings:
            for s in f.sentences:
                for e in s.evidence:
                    if e.stance is None:
                        continue
                    expected = {"supporting": SUPPORTS, "refuting": REFUTES}.get(f.role or "")
                    if expected:
                        assert e.stance.label == expected, (f.heading, e.quote, e.stance)


def test_not_assisting_is_not_filed_as_support_for_cooperation(demo_engine):
    report = demo_engine.check("Did Chicago cooperate with ICE?", save=False)
    for f in report.findings:
        for s in f.sentences:
            if "will not be assisting" in s.text:
                assert f.role != "supporting", f.heading


def _decision(label, ps, pr, basis="direct"):
    return Decision(label, 0.7, basis, {SUPPORTED: ps, REFUTED: pr, NOT_ENOUGH_EVIDENCE: round(1 - ps - pr, 4)})


@pytest.mark.parametrize("label, ps, pr, says, never", [
    (SUPPORTED, 0.9, 0.02, "support the claim", "contradict"),
    (REFUTED, 0.03, 0.9, "contradict", "support the claim"),
    (MIXED, 0.4, 0.4, "disagree", "not evidence that it is false"),
    (NOT_ENOUGH_EVIDENCE, 0.6, 0.1, "lean to support", "contradict the claim"),
    (NOT_ENOUGH_EVIDENCE, 0.1, 0.1, "neither state nor contradict", "lean"),
    (NOT_ENOUGH_EVIDENCE, 0.01, 0.4955, "lean to contradict", "neither"),  # printed as 0.50
    (NOT_ENOUGH_EVIDENCE, 0.4949, 0.3, "neither state nor contradict", "lean"),  # printed as 0.49
])
def test_the_rationale_agrees_with_its_label(label, ps, pr, says, never):
    text = rationale(_decision(label, ps, pr), Tally(0.6, 0.6, 0.1), {"supports": 2, "refutes": 2, "neutral": 1},
                     2, "3 queries over 3 documents")
    assert says in text and never not in text, text
    assert f"P(supported) {ps:.2f}" in text


def test_a_claim_longer_than_the_stance_model_reads_is_cut_not_an_error(demo_engine):
    claim = "The city council said that " + " and ".join(f"item {i} costs {3 * i} dollars" for i in range(60)) + "."
    stances = demo_engine.stance.score(claim, ["The council met on Monday.", "Item 2 costs 6 dollars."])
    assert len(stances) == 2 and all(abs(sum(s.scores.values()) - 1) < 1e-4 for s in stances)


def _reading(text: str, refutes: float) -> direct.Reading:
    from veracity.types import Document, Evidence, Stance

    doc = Document(id=1, title="t", location="test:1", publisher=None, published=None, content_hash="", group=1,
                   text=text)
    scores = {"supports": 0.0, "refutes": refutes, "neutral": 1.0 - refutes}
    evidence = Evidence(document=doc, start=0, end=len(text), quote=text, relevance=0.6,
                        stance=Stance(max(scores, key=scores.__getitem__), scores))
    return direct.Reading(evidence, text, evidence.stance)


def test_only_a_source_that_names_what_the_claim_is_about_can_contradict_it():
    claim = "Brandon Johnson was elected mayor of Chicago in April 2023."
    other = _reading("Chicago Became a Sanctuary City in 1985 Under Mayor Harold Washington.", 0.9)
    same = _reading("Brandon Johnson lost the Chicago mayoral election in April 2023.", 0.9)
    assert not direct.named(claim, [other])  # another year, but about someone else
    assert direct.named(claim, [other, same])
    assert not direct.named(claim, [_reading(same.text, 0.2)])  # names them, but does not contradict
    assert direct.named("the sky is blue at noon", [_reading("The sky is green.", 0.9)])  # names nothing
