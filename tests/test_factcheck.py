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
