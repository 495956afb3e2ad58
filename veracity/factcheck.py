"""Fact-check articles: their ClaimReview markup and ruling sentences, and what a rating says about a claim.

A fact-check page carries its ruling twice: as schema.org ClaimReview JSON-LD (claimReviewed, reviewRating
with alternateName and ratingValue, author, datePublished) and in its prose ("We rate this claim Mostly
False."). `parse_claim_reviews(html)` reads the markup, `ruling_reviews(text, ...)` the prose, and
`rating_verdict(review)` turns a rating into a verdict through RATINGS, the one table of ratings veracity
knows. A rating not in it is context, never a verdict. The web-sources helper builds ClaimReview records from
search results too; this interface stays stable.

RATINGS (lower-cased rating -> verdict):

| publisher's scale | rating | verdict |
|---|---|---|
| PolitiFact | true, mostly true | supported |
| PolitiFact | half true | mixed |
| PolitiFact | mostly false, false, pants on fire | refuted |
| Snopes | true, mostly true, correct attribution | supported |
| Snopes | mixture | mixed |
| Snopes | mostly false, false, misattributed, miscaptioned, fake, scam | refuted |
| Full Fact | correct, accurate | supported |
| Full Fact | misleading, partly correct, partly true | mixed |
| Full Fact | incorrect, wrong, not true, inaccurate | refuted |
| schema.org 1-5 (worstRating 1, bestRating 5) | 4, 5 | supported |
| schema.org 1-5 | 3 | mixed |
| schema.org 1-5 | 1, 2 | refuted |

A named rating decides before the number; a number counts only on the 1-5 scale (worstRating 1 and
bestRating 5, stated or left out).
"""

from __future__ import annotations

from .labels import MIXED, REFUTED, SUPPORTED

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

RATINGS: dict[str, str] = {
    # PolitiFact's six
    "true": SUPPORTED, "mostly true": SUPPORTED, "half true": MIXED, "mostly false": REFUTED,
    "false": REFUTED, "pants on fire": REFUTED,
    # Snopes
    "correct attribution": SUPPORTED, "mixture": MIXED, "misattributed": REFUTED, "miscaptioned": REFUTED,
    "fake": REFUTED, "scam": REFUTED,
    # Full Fact
    "correct": SUPPORTED, "accurate": SUPPORTED, "misleading": MIXED, "partly correct": MIXED,
    "partly true": MIXED, "incorrect": REFUTED, "wrong": REFUTED, "not true": REFUTED,
    "inaccurate": REFUTED,
}
SCALE = {1: REFUTED, 2: REFUTED, 3: MIXED, 4: SUPPORTED, 5: SUPPORTED}


@dataclass(frozen=True)
class ClaimReview:
    """One fact-checker's ruling on one claim."""

    claim: str  # claimReviewed, or the claim the ruling sentence is about
    rating: str | None  # reviewRating.alternateName as written ("Mostly False")
    rating_value: float | None = None  # reviewRating.ratingValue
    best_rating: float | None = None
    worst_rating: float | None = None
    publisher: str | None = None  # author (or publisher) name
    published: str | None = None  # YYYY-MM-DD
    url: str | None = None
    origin: str = "json-ld"  # "json-ld", or "ruling sentence" when read from the article's prose


def normal_rating(rating: str) -> str:
    """ "Pants-on-Fire!" -> "pants on fire", "Mostly False." -> "mostly false"."""
    return re.sub(r"\s+", " ", re.sub(r"[^a-z0-9 ]+", " ", rating.lower().replace("-", " "))).strip()


def rating_verdict(review: ClaimReview) -> str | None:
    """supported, refuted or mixed from the review's rating through RATINGS; None when the rating is unknown
    (then the review is context, never a verdict)."""
    if review.rating and normal_rating(review.rating) in RATINGS:
        return RATINGS[normal_rating(review.rating)]
    value = review.rating_value
    if value is not None and float(value).is_integer() and (review.best_rating in (None, 5)) \
            and (review.worst_rating in (None, 1)):
        return SCALE.get(int(value))
    return None


def _date(value: object) -> str | None:
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", str(value or "").strip())
    return f"{match[1]}-{match[2]}-{match[3]}" if match else None


def _name(value: object) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name")
    return str(value).strip() or None if value else None


def _number(value: object) -> float | None:
    try:
        return float(str(value).strip()) if value not in (None, "") else None
    except ValueError:
        return None


def _nodes(data: object) -> Iterator[dict[str, Any]]:
    """Every JSON object in a JSON-LD block, @graph and nested lists included."""
    if isinstance(data, list):
        for item in data:
            yield from _nodes(item)
    elif isinstance(data, dict):
        yield data
        for key in ("@graph", "mainEntity", "review"):
            if key in data:
                yield from _nodes(data[key])


def _is_claim_review(node: dict[str, Any]) -> bool:
    kind = node.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return "ClaimReview" in [str(k).rsplit("/", 1)[-1] for k in kinds]


def json_ld_blocks(html: str) -> list[str]:
    """The text of every <script type="application/ld+json"> of a page, found by lxml's HTML parser: the type
    quoted or not, in any case, with parameters (`application/ld+json; charset=utf-8`)."""
    import lxml.etree
    import lxml.html

    if not html.strip():
        return []
    parser = lxml.html.HTMLParser(encoding="utf-8")
    try:
        root = lxml.html.document_fromstring(html.encode("utf-8", errors="replace"), parser=parser)
    except (lxml.etree.ParserError, ValueError):  # no element at all
        return []
    return [script.text or "" for script in root.iter("script")
            if (script.get("type") or "").split(";")[0].strip().lower() == "application/ld+json"]


def parse_claim_reviews(html: str) -> list[ClaimReview]:
    """Every schema.org ClaimReview in the page's JSON-LD blocks (a block that is not valid JSON is skipped:
    the page's text is still ingested)."""
    reviews = []
    for block in json_ld_blocks(html):
        try:
            data = json.loads(block.strip())
        except ValueError:
            continue
        for node in _nodes(data):
            if not _is_claim_review(node):
                continue
            claim = str(node.get("claimReviewed") or "").strip()
            if not claim:
                continue
            rating = node.get("reviewRating") or {}
            rating = rating[0] if isinstance(rating, list) and rating else rating
            rating = rating if isinstance(rating, dict) else {}
            reviews.append(ClaimReview(
                claim=claim, rating=(str(rating.get("alternateName") or "").strip() or None),
                rating_value=_number(rating.get("ratingValue")), best_rating=_number(rating.get("bestRating")),
                worst_rating=_number(rating.get("worstRating")),
                publisher=_name(node.get("author")) or _name(node.get("publisher")),
                published=_date(node.get("datePublished")), url=(str(node.get("url") or "").strip() or None)))
    return reviews


_RULING = re.compile(
    r"\bwe rate (?:this|that|the|his|her|their|its|it)?\s*(?:claim|statement|post|video|meme|quote)?\s*"
    r"(?:as\s+)?[\"“']?(pants on fire|mostly true|half true|mostly false|true|false)\b",
    re.IGNORECASE)


def ruling_reviews(text: str, claim: str, *, publisher: str | None = None, published: str | None = None,
                   url: str | None = None) -> list[ClaimReview]:
    """The rulings an article states in prose ("We rate this claim Mostly False."), about `claim` (the
    article's title, or the claim its markup names)."""
    found = dict.fromkeys(m[1] for m in _RULING.finditer(text))
    return [ClaimReview(claim=claim, rating=rating.title().replace("On", "on"), publisher=publisher,
                        published=published, url=url, origin="ruling sentence") for rating in found]
