"""The shipped stance model and the verdict on the demo collection (real model, real SQLite store)."""

import json

import pytest

from veracity import onnx_model
from veracity.errors import ModelError
from veracity.render.json import to_json
from veracity.stance import MODEL_PATH, MODEL_SHA256, MiniLMStance

CLEAR_PAIRS = [
    ("Paris is the capital of France.", "Paris is the capital and most populous city of France.", "supports"),
    ("Paris is not the capital of France.", "Paris is the capital and most populous city of France.", "refutes"),
    ("The city will comply with the new federal rules.",
     "City officials said they will not comply with the new federal rules.", "refutes"),
    ("Marie Curie won two Nobel Prizes.", "Marie Curie was the first person to win two Nobel Prizes.", "supports"),
    ("Marie Curie won two Nobel Prizes.", "The museum is open every day except Monday.", "neutral"),
]


@pytest.fixture(scope="module")
def stance():
    return MiniLMStance()


@pytest.mark.parametrize("claim, evidence, label", CLEAR_PAIRS)
def test_clear_pairs_get_the_right_stance(stance, claim, evidence, label):
    result = stance.score(claim, [evidence])[0]
    assert result.label == label, result.scores
    assert abs(sum(result.scores.values()) - 1) < 1e-3


SENATOR = ("The senator voted against the bill.", "Records show the senator voted for the bill.")


def test_a_pair_scores_the_same_alone_and_in_any_batch(stance):
    company = [(c, e) for c, e, _ in CLEAR_PAIRS] + [("Water boils at 100 C.", "word " * 90),
                                                   ("The bridge opened in 1937.", "The bridge opened in 1957.")]
    alone = stance.probabilities([SENATOR])[0]
    for at in (0, 3, 5):
        batch = company[:at] + [SENATOR] + company[at:]
        assert len(batch) == 7 + 1
        assert abs(stance.probabilities(batch)[at] - alone).max() <= 1e-5
    reordered = stance.probabilities(list(reversed(company)) + [SENATOR])
    assert abs(reordered[-1] - alone).max() <= 1e-5


# Claim, one evidence sentence, the verdict a careful reader gives (defect 2 of issue 12 included).
CLEAR_VERDICTS = [
    ("Paris is the capital of France.", "Paris is the capital and most populous city of France.", "supported"),
    ("Paris is not the capital of France.", "Paris is the capital and most populous city of France.", "refuted"),
    ("Marie Curie won two Nobel Prizes.", "Marie Curie was the first person to win two Nobel Prizes.", "supported"),
    ("Marie Curie won two Nobel Prizes.", "The museum is open every day except Monday.", "not_enough_evidence"),
    ("The city will comply with the new federal rules.",
     "City officials said they will not comply with the new federal rules.", "refuted"),
]
# Defect 2 of issue 12: contradictions in content that the stance model reads as neutral or as support.
CONTENT_CONTRADICTIONS = [
    ("The senator voted against the bill.", "Records show the senator voted for the bill."),
    ("The bridge opened in 1937.", "The bridge opened in 1957."),
]


def judged(stance, claim: str, sentence: str):
    from veracity.embed import MiniLMEmbedder
    from veracity.pipeline.judge import verdict
    from veracity.types import Document, Evidence

    vectors = MiniLMEmbedder().embed([claim, sentence])
    document = Document(id=1, title="source", location="source.txt", publisher=None, published=None,
                        content_hash="h", group=1, text=sentence)
    evidence = Evidence(document=document, start=0, end=len(sentence), quote=sentence,
                        relevance=float(vectors[0] @ vectors[1]), stance=stance.score(claim, [sentence])[0])
    return verdict(claim, [evidence], searched="one sentence")


@pytest.mark.parametrize("claim, sentence, label", CLEAR_VERDICTS)
def test_clear_pairs_get_the_right_verdict(stance, claim, sentence, label):
    result = judged(stance, claim, sentence)
    assert result.label == label, result


@pytest.mark.parametrize("claim, sentence", CONTENT_CONTRADICTIONS)
def test_a_contradiction_in_content_is_never_called_supported(stance, claim, sentence):
    """Not yet refuted (see docs/status.md): the verdict abstains rather than support a contradicted claim."""
    result = judged(stance, claim, sentence)
    assert result.label in ("refuted", "not_enough_evidence", "mixed"), result


def test_model_file_hash_is_checked(tmp_path):
    corrupt = tmp_path / "stance-int8.onnx"
    corrupt.write_bytes(MODEL_PATH.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(ModelError, match="sha256"):
        onnx_model.session(str(corrupt), MODEL_SHA256)


def test_drubi_records_claim_leans_supported_citing_the_sun_times(demo_engine):
    report = demo_engine.check("Chicago police sent ICE the arrest records of Eduardo Drubi's gun case",
                               verdict=True, save=False)
    # the aggregator's P(supported) is about 0.70, just under its decisive threshold (0.71): it abstains,
    # saying which way the evidence leans, and never contradicts the claim
    assert report.verdict.label == "supported" or (
        report.verdict.label == "not_enough_evidence" and "leans to support" in report.verdict.rationale), report.verdict
    supporting = [f for f in report.findings if f.role == "supporting"]
    cited = {s.location for s in report.sources
             if any(s.id in sentence.citations for f in supporting for sentence in f.sentences)}
    assert any("sun-times-cpd-records-to-feds" in location for location in cited)


def test_comply_with_trump_claim_is_refuted(demo_engine):
    # the stance model scores "will not comply" about even; the article restates the claim in another order with a
    # negation put in (align._flipped)
    report = demo_engine.check("Chicago officials said the city would comply with President Trump's immigration "
                               "policies", verdict=True, save=False)
    assert report.verdict.label == "refuted", report.verdict
    assert report.bottom_line.text.startswith("The sources searched contradict the claim")


def test_untouched_claim_is_not_enough_evidence_and_says_what_was_searched(demo_engine):
    report = demo_engine.check("Denver banned plastic bags in 2019", verdict=True, save=False)
    assert report.verdict.label == "not_enough_evidence"
    assert "searched" in report.verdict.rationale.lower() or "Searched" in report.summary.text
    assert "not evidence that it is false" in report.verdict.rationale or "does not mean" in report.bottom_line.text


def test_json_report_carries_verdict_and_evidence_stance(demo_engine):
    report = demo_engine.check("Did Chicago cooperate with ICE?", verdict=True, save=False)
    data = json.loads(to_json(report))
    assert set(data["verdict"]) >= {"label", "confidence", "rationale", "stance_counts"}
    assert 0.0 <= data["verdict"]["confidence"] <= 1.0
    evidence = [e for f in data["findings"] for s in f["sentences"] for e in s["evidence"]]
    # a sentence the judge read carries its stance; one the findings add from the same documents has none
    judged = [e for e in evidence if e["stance"] is not None]
    assert judged and all(set(e["stance"]) == {"label", "scores"} for e in judged)
    assert all(f["role"] in ("supporting", "refuting", "context") for f in data["findings"])


def test_open_question_verdict_says_whether_the_sources_agree(demo_engine):
    report = demo_engine.check("What did Chicago do about ICE?", verdict=True, save=False)
    # an open question has no claim to refute: the sources agree, disagree, or no other source answers
    expected_words = {"answered": "agree", "disputed": "the sources disagree",
                      "not_enough_evidence": "No other independent source confirms or contradicts it"}
    assert report.verdict.label in expected_words
    assert report.verdict.rationale.startswith("The leading answer, from")
    assert expected_words[report.verdict.label] in report.verdict.rationale
    assert "answer" in report.bottom_line.text
    from veracity.render import render

    markdown = render(report, "markdown")
    assert report.open_question and "the claim)" not in markdown  # findings stand toward the leading answer
    assert any(f.role == "supporting" for f in report.findings) <= ("(agrees with the leading answer)" in markdown)
