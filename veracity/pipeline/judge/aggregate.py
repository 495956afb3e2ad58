"""aggregate: one claim-level verdict, with an honest confidence, from the evidence sentences of a claim.

Each claim becomes a short list of FEATURES: the stance model's scores summed up over its evidence sentences
(the judge's noisy-OR tally, the strongest and the relevance-weighted mean of each stance, how many sentences
and independent sources there are), and the exact checks of pipeline/judge/align.py (a number or date of the claim
that a sentence contradicts, a negation or antonym one side lacks, the claim's names a sentence misses), each
taken where the stance model reads support, since that is where the stance model is fooled by word overlap.
Beside them, the words of the evidence (CUE_BUCKETS hashed word and word-pair counts, `cues`): how
fact-checkers and sources write when a claim is wrong ("no evidence", "misleading", "exaggerates") is evidence
the stance model, trained on sentence pairs, does not read. A multinomial logistic regression over them gives P(label) for
supported, refuted, mixed and not_enough_evidence. It is fitted by benchmarks/fit_aggregator.py on
licence-clean dev claims only (LIAR2 valid, CREAK dev, and claims paired with another claim's evidence as
not-enough-evidence examples) and stored in veracity/models/aggregator.json beside the sha256 of the stance
model it was fitted for.

The verdict abstains when unsure: supported or refuted only when that label's probability reaches the fitted
`decisive` threshold (chosen on the dev claims for a decisive precision of at least DECISIVE_PRECISION);
mixed when that is the likeliest label, and otherwise not_enough_evidence. The confidence is the probability of
the label given, so a stated 0.8 means about 8 in 10 right on claims like the dev claims. The classes are
weighted equally in the fit, so the base rate of a dev set (most claims PolitiFact checks are false) does not
become a lean toward refuted.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from ...onnx_model import MODELS, fitted_model
from ...types import REFUTED, SUPPORTED, VERDICT_LABELS, Evidence
from .align import align
from .kind import grams

AGGREGATOR_PATH = MODELS / "aggregator.json"
LABELS = VERDICT_LABELS  # supported, refuted, mixed, not_enough_evidence: the order of the fitted columns
DECISIVE_PRECISION = 0.85
FULL_RELEVANCE = 0.5
COUNTS = 0.5


@dataclass(frozen=True)
class Assessment:
    """The aggregator's reading of one claim's evidence."""

    label: str
    confidence: float  # P(label), as fitted
    probabilities: dict[str, float]
    leaning: str | None = None  # supported or refuted when it was the likeliest but not decisive


def _weight(relevance: float) -> float:
    return min(1.0, max(relevance, 0.0) / FULL_RELEVANCE)


FEATURES = ("support_tally", "refute_tally", "support_max", "refute_max", "neutral_max", "support_mean",
            "refute_mean", "neutral_mean", "relevance_max", "relevance_mean", "sentences_log", "sources_log",
            "support_share", "refute_share", "claim_has_number", "number_conflict", "number_conflict_support",
            "number_match_support", "negation_support", "antonym_support", "names_missing_least", "none")


def tallies(scored: list[Evidence], ws: np.ndarray, wr: np.ndarray) -> tuple[float, float, int]:
    """Noisy-OR of each independent source's strongest weighted support and refutation that counts, and how many
    independent sources there are."""
    groups: dict[int, list[float]] = {}
    for e, s, r in zip(scored, ws, wr):
        best = groups.setdefault(e.document.group, [0.0, 0.0])
        best[0], best[1] = max(best[0], float(s)), max(best[1], float(r))
    support_tally = 1 - math.prod(1 - g[0] for g in groups.values() if g[0] >= COUNTS)
    refute_tally = 1 - math.prod(1 - g[1] for g in groups.values() if g[1] >= COUNTS)
    return support_tally, refute_tally, len(groups)


def alignment(claim: str, scored: list[Evidence], w: np.ndarray, ws: np.ndarray) -> list[float]:
    """The exact checks of align.py, weighted: number conflicts (by relevance, and by support), and the support of
    sentences that match the claim's numbers, negate it or hold an antonym; the fewest of its names missing."""
    checks = [align(claim, e.quote) for e in scored]
    number_conflict = np.array([a.number_conflict for a in checks], dtype=float)
    return [float(any(c.isdigit() for c in claim)), float((w * number_conflict).max()),
            float((ws * number_conflict).max()),
            float(max(x * a.number_match for x, a in zip(ws, checks))),
            float(max(x * a.negation_mismatch for x, a in zip(ws, checks))),
            float(max(x * a.antonym for x, a in zip(ws, checks))),
            float(min(a.names_missing for a in checks))]


def features(claim: str, evidence: list[Evidence]) -> np.ndarray:
    """The claim's feature vector, in the order of FEATURES."""
    scored = [e for e in evidence if e.stance is not None]
    if not scored:
        return np.array([0.0] * (len(FEATURES) - 1) + [1.0])
    s = np.array([e.stance.scores["supports"] for e in scored if e.stance])
    r = np.array([e.stance.scores["refutes"] for e in scored if e.stance])
    n = np.array([e.stance.scores["neutral"] for e in scored if e.stance])
    rel = np.array([max(e.relevance, 0.0) for e in scored])
    w = np.array([_weight(e.relevance) for e in scored])
    support_tally, refute_tally, groups = tallies(scored, s * w, r * w)
    total = float(w.sum()) or 1.0
    labels = np.stack([s, r, n]).argmax(axis=0)
    return np.array([
        support_tally, refute_tally, float((s * w).max()), float((r * w).max()), float(n.max()),
        float((s * w).sum() / total), float((r * w).sum() / total), float((n * w).sum() / total),
        float(rel.max()), float(rel.mean()), math.log1p(len(scored)), math.log1p(groups),
        float((labels == 0).mean()), float((labels == 1).mean()), *alignment(claim, scored, w, w * s), 0.0])


CUE_BUCKETS = 4096


def cues(evidence: list[Evidence]) -> np.ndarray:
    """Hashed counts of the evidence sentences' words and word pairs, L2-normalised (CUE_BUCKETS columns)."""
    v = np.zeros(CUE_BUCKETS, dtype=np.float32)
    for e in evidence:
        for gram in grams(e.quote):
            v[zlib.crc32(gram.encode()) % CUE_BUCKETS] += 1.0
    norm = float(np.linalg.norm(v))
    return v / norm if norm else v


@lru_cache(maxsize=1)
def fitted() -> dict[str, Any] | None:
    """The fitted aggregator for the stance model that ships, or None when none was fitted for it."""
    from ...stance import MODEL_SHA256

    return fitted_model(AGGREGATOR_PATH, {"stance_model_sha256": MODEL_SHA256, "features": FEATURES,
                                          "cue_buckets": CUE_BUCKETS})


def probabilities(x: np.ndarray, c: np.ndarray, model: dict[str, Any]) -> np.ndarray:
    """P(label) for feature rows x and cue rows c (one row each, or matrices), columns in LABELS order."""
    z = (np.atleast_2d(x) - np.array(model["mean"])) / np.array(model["scale"])
    logits = z @ np.array(model["weights"]) + np.atleast_2d(c) @ np.array(model["cue_weights"]) + np.array(model["bias"])
    logits -= logits.max(axis=1, keepdims=True)
    p: np.ndarray = np.exp(logits)
    out: np.ndarray = p / p.sum(axis=1, keepdims=True)
    return out


def choose(p: np.ndarray, decisive: float) -> tuple[str, float]:
    """(label, confidence) from P(label): supported or refuted only from `decisive` up; mixed when it is the
    likeliest label; otherwise not_enough_evidence (the sources do not settle it)."""
    best = int(p.argmax())
    if LABELS[best] in (SUPPORTED, REFUTED) and p[best] >= decisive:
        return LABELS[best], float(p[best])
    rest = 2 if best == 2 else 3
    return LABELS[rest], float(p[rest])


def assess(claim: str, evidence: list[Evidence]) -> Assessment | None:
    """The aggregator's verdict for a claim, or None when no aggregator was fitted for this stance model."""
    model = fitted()
    if model is None:
        return None
    p = probabilities(features(claim, evidence), cues(evidence), model)[0]
    label, confidence = choose(p, model["decisive"])
    likeliest = LABELS[int(p.argmax())]
    return Assessment(label, round(confidence, 3), {k: round(float(v), 4) for k, v in zip(LABELS, p)},
                      leaning=likeliest if likeliest != label and likeliest in (SUPPORTED, REFUTED)
                      and p.max() >= 0.5 else None)
