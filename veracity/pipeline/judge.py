"""judge: the stance of every evidence sentence toward the claim, and one calibrated verdict.

Aggregation, per independence group (near-duplicate documents count once):
    S = sum over groups of max(p_supports * relevance), R likewise for refutes, N for neutral.
    S + R below MIN_STRENGTH           -> not_enough_evidence (the sources do not settle it)
    the weaker side >= MIXED_RATIO of the stronger -> mixed
    else the stronger side             -> supported / refuted
Confidence is the raw share of the winning side, mapped through a Platt scaling fitted on held-out data
(benchmarks/calibrate.py writes veracity/models/calibration.json).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from functools import lru_cache

from ..onnx_model import MODELS
from ..types import Evidence, Verdict

MIN_STRENGTH = 0.5
MIXED_RATIO = 0.45


@dataclass(frozen=True)
class Tally:
    supports: float
    refutes: float
    neutral: float


def score(claim: str, evidence: list[Evidence], stance_model) -> list[Evidence]:
    stances = stance_model.score(claim, [e.quote for e in evidence])
    return [replace(e, stance=s) for e, s in zip(evidence, stances)]


def in_time(evidence: Evidence, as_of: str | None) -> bool:
    """Evidence published after as_of is excluded; undated evidence is kept."""
    return as_of is None or evidence.document.published is None or evidence.document.published <= as_of


def tally(evidence: list[Evidence]) -> Tally:
    best: dict[int, dict[str, float]] = {}
    for e in evidence:
        if e.stance is None:
            continue
        weight = e.relevance
        group = best.setdefault(e.document.group, {"supports": 0.0, "refutes": 0.0, "neutral": 0.0})
        for label in group:
            group[label] = max(group[label], e.stance.scores[label] * weight)
    return Tally(*(sum(g[label] for g in best.values()) for label in ("supports", "refutes", "neutral")))


@lru_cache(maxsize=1)
def calibration() -> dict:
    path = MODELS / "calibration.json"
    if path.exists():
        return json.loads(path.read_text())
    return {"a": 1.0, "b": 0.0, "fitted_on": "identity (no calibration file)"}


def calibrated(raw: float) -> float:
    c = calibration()
    x = min(max(raw, 1e-4), 1 - 1e-4)
    z = c["a"] * math.log(x / (1 - x)) + c["b"]
    return round(1 / (1 + math.exp(-z)), 3)


def decide(t: Tally) -> tuple[str, float]:
    """(label, raw confidence in [0, 1]) from a tally."""
    strength = t.supports + t.refutes
    total = strength + t.neutral + 1e-9
    if strength < MIN_STRENGTH:
        return "not_enough_evidence", min(1.0, t.neutral / total + (MIN_STRENGTH - strength) / MIN_STRENGTH * 0.5)
    strong, weak = max(t.supports, t.refutes), min(t.supports, t.refutes)
    if weak >= MIXED_RATIO * strong:
        return "mixed", 1 - abs(t.supports - t.refutes) / strength
    return ("supported" if t.supports > t.refutes else "refuted"), strong / (strength + 0.5 * t.neutral)


def verdict(claim: str, evidence: list[Evidence], *, searched: str) -> Verdict:
    counts = {"supports": 0, "refutes": 0, "neutral": 0}
    for e in evidence:
        if e.stance:
            counts[e.stance.label] += 1
    groups = len({e.document.group for e in evidence})
    if not evidence:
        return Verdict("not_enough_evidence", calibrated(0.9),
                       f"Nothing in the sources searched ({searched}) addresses the claim. "
                       "That is not evidence that it is false.", counts)
    t = tally(evidence)
    label, raw = decide(t)
    weights = f"support {t.supports:.2f}, refute {t.refutes:.2f}, neutral {t.neutral:.2f}"
    rationale = {
        "supported": f"{counts['supports']} evidence sentences from the sources support the claim and "
                     f"none outweighs them ({weights}; {groups} independent sources).",
        "refuted": f"{counts['refutes']} evidence sentences contradict the claim and little supports it "
                   f"({weights}; {groups} independent sources).",
        "mixed": f"The sources disagree or support the claim only in part ({weights}; "
                 f"{groups} independent sources).",
        "not_enough_evidence": f"The passages found ({searched}) are on the topic but neither confirm nor "
                               f"contradict the claim ({weights}). That is not evidence that it is false.",
    }[label]
    return Verdict(label, calibrated(raw), rationale, counts)
