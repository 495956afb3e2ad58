"""review: a fact-checker's published ruling on the claim being checked, when the collection holds one.

At ingest, fact-check articles give ClaimReviews (veracity/factcheck.py). At check time a stored review
counts when its claim says the same as the checked claim: the cosine of their embeddings is at least
MATCH. Each matching review becomes its own finding, "Rated False by PolitiFact on 2024-03-05", citing the
article, and its rating decides the verdict through factcheck.RATINGS: reviews that agree give their
verdict, reviews that disagree give mixed. A rating that is not in the table is context, never a verdict.
The confidence of a verdict from a ruling is REVIEW_CONFIDENCE, a stated value, not one fitted on data (no
licence-clean set of fact-check articles with independent gold labels is at hand to fit it on).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ...embed import Embedder
from ...factcheck import ClaimReview, rating_verdict
from ...store.base import ReviewStore, StoredReview
from ...text import sentence_spans
from ...types import (CONTEXT, MIXED, REFUTED, REFUTING, SUPPORTED, SUPPORTING, Candidate, Evidence, FindingDraft,
                     Judgement, Plan, Verdict)

MATCH = 0.7  # benchmarks/review_match.py: 33% of CheckThat! 2A tweets reach their claim, none a wrong one of 2,000
REVIEW_CONFIDENCE = 0.9
_RULING_WORDS = re.compile(r"\b(rate|rated|rating|ruling|verdict)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Ruled:
    """review -> organise and write: the judgement (its verdict from the rulings when one decides) and one
    finding draft per matching review, to stand first in the report."""

    judgement: Judgement
    drafts: tuple[FindingDraft, ...]


def describe(review: ClaimReview) -> str:
    """ "Rated False by PolitiFact on 2024-03-05" (publisher and date when the review has them)."""
    text = f"Rated {review.rating or f'{review.rating_value:g}'}"
    if review.publisher:
        text += f" by {review.publisher}"
    if review.published:
        text += f" on {review.published}"
    return text


def matching(claim: str, stored: list[StoredReview], embedder: Embedder) -> list[tuple[StoredReview, float]]:
    """The stored reviews whose claim says the same as `claim`, best match first."""
    if not stored:
        return []
    vectors = embedder.embed([claim] + [s.review.claim for s in stored])
    similarity = vectors[1:] @ vectors[0]
    found = [(s, float(sim)) for s, sim in zip(stored, similarity) if sim >= MATCH]
    return sorted(found, key=lambda pair: (-pair[1], pair[0].document_id))


def _quote(text: str) -> tuple[int, int]:
    """The span of the article's ruling sentence, or of its first sentence."""
    spans = sentence_spans(text)
    ruling = next((s for s in spans if _RULING_WORDS.search(text[s.start:s.end])), None)
    span = ruling or spans[0]
    return span.start, span.end


def rulings(plan: Plan, judged: Judgement, store: ReviewStore, embedder: Embedder) -> Ruled:
    """Apply the fact-checkers' rulings on plan.claim that the store holds (none for an open question)."""
    if plan.is_open or judged.verdict is None:
        return Ruled(judged, ())
    found = matching(plan.claim, store.claim_reviews(), embedder)
    if not found:
        return Ruled(judged, ())
    documents = store.documents([s.document_id for s, _ in found])
    drafts = []
    for stored, similarity in found:
        document = documents[stored.document_id]
        if not document.text.strip():
            continue
        start, end = _quote(document.text)
        quote = document.text[start:end]
        rated = rating_verdict(stored.review)
        role = {SUPPORTED: SUPPORTING, REFUTED: REFUTING}.get(rated or "", CONTEXT)
        evidence = Evidence(document=document, start=start, end=end, quote=quote, relevance=round(similarity, 4))
        drafts.append(FindingDraft(heading=describe(stored.review), role=role,
                                   members=(Candidate(evidence=evidence, vector=embedder.embed([quote])[0]),)))
    verdicts = [v for v in (rating_verdict(s.review) for s, _ in found) if v]
    if not verdicts:
        return Ruled(judged, tuple(drafts))
    label = verdicts[0] if len(set(verdicts)) == 1 else MIXED
    named = "; ".join(dict.fromkeys(describe(s.review) for s, _ in found if rating_verdict(s.review)))
    before = judged.verdict
    rationale = (f"A fact-check of this claim is in the sources: {named}. Its rating decides the verdict "
                 f"(without it, the evidence alone gave {before.label.replace('_', ' ')}).")
    verdict = Verdict(label, REVIEW_CONFIDENCE, rationale, before.stance_counts, basis="rating")
    return Ruled(replace(judged, verdict=verdict), tuple(drafts))


def without_reviewed(candidates: tuple[Candidate, ...], drafts: tuple[FindingDraft, ...]) -> tuple[Candidate, ...]:
    """The evidence candidates less the sentences a review finding already quotes."""
    quoted = {(m.evidence.document.id, m.evidence.start) for d in drafts for m in d.members}
    return tuple(c for c in candidates if (c.evidence.document.id, c.evidence.start) not in quoted)

