"""Hand-written parts replaced or made safe (issue 24, items 31 and 32): the search circuit breaker under
threads, and ClaimReview markup found by an HTML parser."""

from __future__ import annotations

import json
import threading
import time

from veracity.factcheck import parse_claim_reviews
from veracity.sources.base import BadResponse
from veracity.sources.chain import Breaker

REVIEW = {"@context": "https://schema.org", "@type": "ClaimReview", "claimReviewed": "The bridge opened in 1937.",
          "author": {"@type": "Organization", "name": "PolitiFact"},
          "reviewRating": {"@type": "Rating", "alternateName": "Mostly False"}}


class SlowDict(dict):  # type: ignore[type-arg]
    """A dict whose reads take a while, so that two threads are inside is_open at once."""

    def get(self, key, default=None):
        value = super().get(key, default)
        time.sleep(0.02)
        return value


def test_threads_past_the_cooldown_do_not_break_the_breaker():
    breaker = Breaker(threshold=1, cooldown_s=0.0, opened_at=SlowDict())
    errors: list[BaseException] = []

    def ask() -> None:
        try:
            start.wait()
            breaker.is_open("searxng")
        except BaseException as exc:  # a KeyError from a second `del` would fail a check
            errors.append(exc)

    for _ in range(5):
        breaker.failed("searxng", BadResponse("down", backend="searxng"))
        assert "searxng" in breaker.opened_at
        start = threading.Barrier(8)
        threads = [threading.Thread(target=ask) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
        assert errors == []
        assert "searxng" not in breaker.opened_at and breaker.failures["searxng"] == 0  # half-open once


def page_with(script_open: str) -> str:
    return (f"<!doctype html><html><head><title>Fact check</title>{script_open}{json.dumps(REVIEW)}</script>"
            "</head><body><p>Article.</p></body></html>")


def test_claim_review_markup_is_found_however_the_script_type_is_written():
    for opening in ("<script type=application/ld+json>",
                    '<script type="application/ld+json; charset=utf-8">',
                    "<SCRIPT TYPE='Application/LD+JSON'>",
                    '<script id="schema" type = "application/ld+json" nonce="x">'):
        [review] = parse_claim_reviews(page_with(opening))
        assert (review.claim, review.rating, review.publisher) == ("The bridge opened in 1937.", "Mostly False",
                                                                   "PolitiFact"), opening


def test_only_json_ld_scripts_are_read():
    for opening in ('<script type="application/json">', "<script>", '<script type="text/ld+json-not">'):
        assert parse_claim_reviews(page_with(opening)) == [], opening
    # a JSON-LD block quoted inside another script's string or a comment is not markup
    assert parse_claim_reviews("<html><body><!-- <script type=\"application/ld+json\">"
                               f"{json.dumps(REVIEW)}</script> --><p>x</p></body></html>") == []
    assert parse_claim_reviews("") == [] and parse_claim_reviews("plain words, no markup") == []
