"""Fact-check articles: ClaimReview markup, ruling sentences and the rating table (every row)."""

import json

import pytest

from veracity.factcheck import RATINGS, SCALE, ClaimReview, parse_claim_reviews, rating_verdict, ruling_reviews

# Every row of the documented table in veracity/factcheck.py, as a publisher writes the rating.
TABLE = [
    ("True", "supported"), ("Mostly True", "supported"), ("Half True", "mixed"), ("Mostly False", "refuted"),
    ("False", "refuted"), ("Pants on Fire", "refuted"),
    ("Correct Attribution", "supported"), ("Mixture", "mixed"), ("Misattributed", "refuted"),
    ("Miscaptioned", "refuted"), ("Fake", "refuted"), ("Scam", "refuted"),
    ("Correct", "supported"), ("Accurate", "supported"), ("Misleading", "mixed"), ("Partly correct", "mixed"),
    ("Partly true", "mixed"), ("Incorrect", "refuted"), ("Wrong", "refuted"), ("Not true", "refuted"),
    ("Inaccurate", "refuted"),
]


def test_the_table_lists_every_rating_once():
    assert sorted(r.lower() for r, _ in TABLE) == sorted(RATINGS)


@pytest.mark.parametrize("rating, verdict", TABLE)
def test_each_named_rating_gives_its_verdict(rating, verdict):
    assert rating_verdict(ClaimReview(claim="x", rating=rating)) == verdict
    assert rating_verdict(ClaimReview(claim="x", rating=rating.upper() + "!")) == verdict


@pytest.mark.parametrize("value, verdict", sorted(SCALE.items()))
def test_each_point_of_the_one_to_five_scale(value, verdict):
    assert rating_verdict(ClaimReview(claim="x", rating=None, rating_value=value, best_rating=5,
                                      worst_rating=1)) == verdict
    assert rating_verdict(ClaimReview(claim="x", rating="Some words", rating_value=value)) == verdict


@pytest.mark.parametrize("review", [
    ClaimReview(claim="x", rating="Needs context"),
    ClaimReview(claim="x", rating="Four Pinocchios", rating_value=4, best_rating=4, worst_rating=1),
    ClaimReview(claim="x", rating=None, rating_value=7, best_rating=10, worst_rating=0),
    ClaimReview(claim="x", rating=None),
])
def test_an_unknown_rating_is_context_not_a_verdict(review):
    assert rating_verdict(review) is None


def page(*blocks: object, raw: str = "") -> str:
    scripts = "".join(f'<script type="application/ld+json">{json.dumps(b)}</script>' for b in blocks)
    return f"<html><head>{scripts}{raw}</head><body><p>Article.</p></body></html>"


def test_claim_review_json_ld_is_read():
    html = page({"@context": "https://schema.org", "@type": "ClaimReview",
                 "claimReviewed": "The bridge opened in 1937.", "datePublished": "2024-03-05T10:00:00Z",
                 "url": "https://example.org/fc", "author": {"@type": "Organization", "name": "PolitiFact"},
                 "reviewRating": {"@type": "Rating", "ratingValue": "2", "bestRating": "5", "worstRating": "1",
                                  "alternateName": "Mostly False"}})
    [review] = parse_claim_reviews(html)
    assert review == ClaimReview(claim="The bridge opened in 1937.", rating="Mostly False", rating_value=2.0,
                                 best_rating=5.0, worst_rating=1.0, publisher="PolitiFact", published="2024-03-05",
                                 url="https://example.org/fc")
    assert rating_verdict(review) == "refuted"


def test_graph_lists_and_broken_blocks():
    html = page({"@graph": [{"@type": "WebPage"}, {"@type": ["ClaimReview"], "claimReviewed": "A",
                                                    "author": [{"name": "Full Fact"}],
                                                    "reviewRating": {"alternateName": "Incorrect"}}]},
                [{"@type": "ClaimReview", "claimReviewed": "B", "publisher": {"name": "Snopes"},
                  "reviewRating": [{"alternateName": "Mixture"}]},
                 {"@type": "ClaimReview", "reviewRating": {"alternateName": "False"}}],  # no claim: skipped
                raw='<script type="application/ld+json">{not json</script>')
    reviews = parse_claim_reviews(html)
    assert [(r.claim, r.rating, r.publisher) for r in reviews] == [("A", "Incorrect", "Full Fact"),
                                                                    ("B", "Mixture", "Snopes")]


def test_ruling_sentences_are_read():
    text = ("The senator said the bill passed. Records show it failed. We rate this claim Mostly False.\n"
            "Our ruling: we rate it Pants on Fire! Nothing here is rated true by anyone.")
    reviews = ruling_reviews(text, "The bill passed", publisher="PolitiFact", published="2024-01-02")
    assert [r.rating for r in reviews] == ["Mostly False", "Pants on Fire"]
    assert all(r.origin == "ruling sentence" and r.claim == "The bill passed" for r in reviews)
    assert [rating_verdict(r) for r in reviews] == ["refuted", "refuted"]
    assert ruling_reviews("We will rate the candidates later.", "x") == []


# --- a fact-check article through ingest and check (real SQLite store, real models) ----------------------------

ARTICLE = """<html><head><title>Did the Harbor Bridge open in 1937?</title>
<script type="application/ld+json">{json}</script></head>
<body><article><h1>Did the Harbor Bridge open in 1937?</h1>
<p>A viral post says the Harbor Bridge in Port Alder opened to traffic in 1937, the same year as a famous bridge
elsewhere. City records and newspaper archives tell another story about when the crossing was finished.</p>
<p>The Port Alder council minutes record the ribbon cutting for the Harbor Bridge on 14 May 1957, after eight
years of construction. Newspapers of the week describe crowds walking across the new span for the first time.</p>
<p>We rate this claim False. The bridge opened two decades later than the post says.</p>
</article></body></html>"""
REVIEW = {"@context": "https://schema.org", "@type": "ClaimReview",
          "claimReviewed": "The Harbor Bridge in Port Alder opened in 1937.", "datePublished": "2024-03-05",
          "author": {"@type": "Organization", "name": "Alder Fact Check"},
          "reviewRating": {"@type": "Rating", "ratingValue": 1, "bestRating": 5, "worstRating": 1,
                           "alternateName": "False"}}


@pytest.fixture(scope="module")
def reviewed_engine(tmp_path_factory):
    from veracity.engine import Engine
    from veracity.settings import Settings

    folder = tmp_path_factory.mktemp("factcheck")
    (folder / "harbor-bridge-fact-check.html").write_text(ARTICLE.replace("{json}", json.dumps(REVIEW)))
    engine = Engine(Settings.load(db=folder / "store.db"))
    summary = engine.ingest([folder / "harbor-bridge-fact-check.html"])
    assert summary.added == 1 and not summary.skipped
    return engine


def test_a_stored_review_is_read_at_ingest(reviewed_engine):
    [stored] = reviewed_engine.store.claim_reviews()
    assert stored.review.claim == "The Harbor Bridge in Port Alder opened in 1937."
    assert (stored.review.rating, stored.review.publisher, stored.review.published) == (
        "False", "Alder Fact Check", "2024-03-05")


def test_a_matching_review_drives_the_verdict_with_its_own_finding(reviewed_engine):
    report = reviewed_engine.check("The Harbor Bridge in Port Alder opened in 1937", verdict=True, save=False)
    assert report.verdict.label == "refuted"
    assert "Rated False by Alder Fact Check on 2024-03-05" in report.verdict.rationale
    first = report.findings[0]
    assert first.heading == "Rated False by Alder Fact Check on 2024-03-05" and first.role == "refuting"
    [source] = [s for s in report.sources if s.id in first.sentences[0].citations]
    assert source.location.endswith("harbor-bridge-fact-check.html")
    assert "We rate this claim False." in first.sentences[0].text


def test_a_review_of_another_claim_does_not_decide(reviewed_engine):
    report = reviewed_engine.check("Port Alder council minutes were kept on paper", verdict=True, save=False)
    assert not any(f.heading.startswith("Rated ") for f in report.findings)
    assert "fact-check of this claim" not in (report.verdict.rationale if report.verdict else "")
