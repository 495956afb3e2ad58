"""direct: does a source state the claim, or state its opposite? The decisive path for direct evidence.

The aggregator (aggregate.py) reads indirect evidence well: a fact-checker's argument about a claim. It is
cautious on articles that state the claim outright. This path reads the other kind. Each evidence sentence is
read alone and with the sentence that follows it in its document (a READING: a claim often spans two source
sentences, "The city said ... It added ..."), the stance model scores every reading, and the exact checks of
align.py compare the claim's names, numbers and dates with the reading the model finds most supportive.

FEATURES summarise that into one row: the strongest support and contradiction, how much of the claim's
wording the best reading holds (the names and numbers it keeps or changes), and how relevant the evidence is.
Two logistic heads give P(supported) and P(refuted). They are fitted by benchmarks/fit_direct.py on
licence-clean dev data only (FRANK dev, Factcheck-GPT stance dev, WiCE dev, LIAR2 valid, CREAK dev, and
claims made false by rule from their supported claims, as FactCC does) and stored in veracity/models/direct.json
beside the sha256 of the stance model they were fitted for.

`assess` is decisive only when a head reaches its fitted threshold (chosen out of fold for a precision of at
least DECISIVE_PRECISION on each dev set of its kind); otherwise it returns the probabilities and no label, and the judge asks the
aggregator.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from ...onnx_model import MODELS, fitted_model
from ...stance import StanceModel
from ...text import content_words, entities, sentence_spans
from ...types import REFUTED, SUPPORTED, Evidence, Stance
from .align import align, restated_otherwise
from .kind import statements

DIRECT_PATH = MODELS / "direct.json"
# The precision each head's threshold is chosen for, out of fold, on each dev set of its kind. With the stance model
# that ships, no threshold reaches 0.8 for supported on WiCE dev (0.79 at most with 20 answers or more), so
# supported is held to 0.7 and the aggregator's contrary reading vetoes it (pipeline/judge/__init__.py decision()).
DECISIVE_PRECISION = {"supported": 0.7, "refuted": 0.8}
WINDOW_CHARS = 1200  # how far past a sentence its follower is looked for


@dataclass(frozen=True)
class Reading:
    """One evidence sentence, alone or with the sentence that follows it (its questions left out), and the stance
    model's score of it."""

    evidence: Evidence
    text: str
    stance: Stance
    alone: bool = True  # the sentence alone, not with its follower


@dataclass(frozen=True)
class Direct:
    """The direct path's reading of a claim: a label when decisive, else None, with both probabilities."""

    label: str | None
    confidence: float  # P(label) when decisive; else P(not_enough_evidence) = 1 - P(supported) - P(refuted)
    supported: float
    refuted: float
    best: Reading | None  # the reading that supports or contradicts most, for the rationale


def follower(evidence: Evidence) -> str | None:
    """The sentence after the evidence sentence in its document, when there is one on the same page."""
    text = evidence.document.text
    if not text or evidence.end >= len(text):
        return None
    ahead = text[evidence.end:evidence.end + WINDOW_CHARS]
    spans = sentence_spans(ahead)
    if not spans or "\n\n" in ahead[:spans[0].start]:
        return None
    return ahead[spans[0].start:spans[0].end]


@dataclass(frozen=True)
class Text:
    """What one reading reads, before the stance model scores it."""

    evidence: Evidence
    text: str
    alone: bool


def texts(evidence: list[Evidence]) -> list[Text]:
    """Every reading's text: each sentence alone, then with its follower; questions left out (kind.statements),
    and a reading with nothing left, or with nothing more than the sentence alone, is not read."""
    out = [Text(e, stated, True) for e in evidence if (stated := statements(e.quote))]
    for e in evidence:
        nxt = follower(e)
        if nxt and (stated := statements(f"{e.quote} {nxt}")) and stated != statements(e.quote):
            out.append(Text(e, stated, False))
    return out


def read(claim: str, evidence: list[Evidence], stance_model: StanceModel) -> list[Reading]:
    read_ = texts(evidence)
    stances = stance_model.score(claim, [t.text for t in read_]) if read_ else []
    return [Reading(t.evidence, t.text, s, t.alone) for t, s in zip(read_, stances)]


def named(claim: str, readings: list[Reading]) -> bool:
    """Some reading that contradicts the claim (P(refutes) 0.5 or more) names at least half of what the claim
    names; always true of a claim that names nothing. A source can only contradict a claim about what it names:
    "Chicago became a sanctuary city in 1985 under Mayor Harold Washington" does not contradict "Brandon Johnson
    was elected mayor of Chicago in April 2023", though it gives another year."""
    if not any(n for n in entities(claim)):
        return True
    return any(r.stance.scores["refutes"] >= 0.5 and align(claim, r.text).names_missing <= 0.5 for r in readings)


@dataclass(frozen=True)
class Restatement:
    """A sentence that says the claim in its own words but for one negation, number or opposite word
    (align.restated_otherwise)."""

    reading: Reading
    kind: str  # "negation", "number" or "antonym"


def restated(claim: str, readings: list[Reading]) -> Restatement | None:
    """The first sentence read alone (most relevant first) that restates the claim otherwise, if any."""
    for reading in readings:
        if reading.alone and (kind := restated_otherwise(claim, reading.text)):
            return Restatement(reading, kind)
    return None


FEATURES = ("support_max", "refute_max", "support_sentence_max", "neutral_min", "support_second",
            "coverage_best", "coverage_max", "names_missing_best", "number_conflict_best", "number_match_best",
            "negation_best", "antonym_best", "refute_at_coverage", "support_at_coverage", "number_conflict_at_coverage",
            "names_missing_at_coverage", "relevance_max", "claim_words_log", "support_kept", "claim_has_number")


def coverage(claim_words: set[str], text: str) -> float:
    """The share of the claim's content words (lower case) that the text holds."""
    if not claim_words:
        return 0.0
    held = {w.lower() for w in content_words(text)}
    return len(claim_words & held) / len(claim_words)


def features(claim: str, readings: list[Reading]) -> np.ndarray:
    """The claim's feature row, in the order of FEATURES (zeros and a full neutral when nothing was read)."""
    if not readings:
        row = np.zeros(len(FEATURES))
        row[FEATURES.index("neutral_min")] = 1.0
        row[FEATURES.index("claim_words_log")] = math.log1p(len(content_words(claim)))
        return row
    s = np.array([r.stance.scores["supports"] for r in readings])
    r_ = np.array([r.stance.scores["refutes"] for r in readings])
    n = np.array([r.stance.scores["neutral"] for r in readings])
    singles = np.array([r.alone for r in readings])
    claim_words = {w.lower() for w in content_words(claim)}
    cov = np.array([coverage(claim_words, r.text) for r in readings])
    best = int(s.argmax())
    widest = int(np.lexsort((s, cov))[-1])  # the most of the claim's words; ties to the most supportive
    at_best, at_widest = align(claim, readings[best].text), align(claim, readings[widest].text)
    by_sentence: dict[tuple[int, int], float] = {}
    for reading, value in zip(readings, s):
        key = (reading.evidence.document.id, reading.evidence.start)
        by_sentence[key] = max(by_sentence.get(key, 0.0), float(value))
    ranked = sorted(by_sentence.values(), reverse=True)
    return np.array([
        float(s.max()), float(r_.max()), float(s[singles].max()) if singles.any() else 0.0, float(n.min()),
        ranked[1] if len(ranked) > 1 else 0.0,
        float(cov[best]), float(cov.max()), at_best.names_missing, float(at_best.number_conflict),
        float(at_best.number_match), float(at_best.negation_mismatch), float(at_best.antonym),
        float(r_[widest]), float(s[widest]), float(at_widest.number_conflict), at_widest.names_missing,
        max(r.evidence.relevance for r in readings), math.log1p(len(claim_words)),
        float(s.max()) * (1 - at_best.names_missing) * (0.0 if at_best.number_conflict else 1.0),
        float(any(c.isdigit() for c in claim))])


@lru_cache(maxsize=1)
def fitted() -> dict[str, Any] | None:
    """The fitted heads for the stance model that ships, or None when none were fitted for it."""
    from ...stance import MODEL_SHA256

    return fitted_model(DIRECT_PATH, {"stance_model_sha256": MODEL_SHA256, "features": FEATURES})


def probabilities(x: np.ndarray, model: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """(P(supported), P(refuted)) for feature rows x (one row, or a matrix)."""
    heads = []
    for head in ("supported", "refuted"):
        z = (np.atleast_2d(x) - np.array(model[head]["mean"])) / np.array(model[head]["scale"])
        logit = z @ np.array(model[head]["weights"]) + model[head]["bias"]
        heads.append(1 / (1 + np.exp(-np.clip(logit, -30, 30))))
    return heads[0], heads[1]


def decide(p_supported: float, p_refuted: float, model: dict[str, Any]) -> tuple[str | None, float]:
    """(label or None, confidence): supported or refuted from its fitted threshold up, the stronger one first."""
    s_ok = p_supported >= model["supported"]["threshold"]
    r_ok = p_refuted >= model["refuted"]["threshold"]
    if s_ok and (not r_ok or p_supported >= p_refuted):
        return SUPPORTED, p_supported
    if r_ok:
        return REFUTED, p_refuted
    return None, max(0.0, 1.0 - p_supported - p_refuted)


def assess(claim: str, readings: list[Reading]) -> Direct | None:
    """The direct path's verdict, or None when no heads were fitted for the stance model that ships."""
    model = fitted()
    if model is None:
        return None
    ps, pr = probabilities(features(claim, readings), model)
    p_supported, p_refuted = float(ps[0]), float(pr[0])
    if p_supported + p_refuted > 1:  # two heads fitted apart: where both are high, they share the whole
        p_supported, p_refuted = p_supported / (p_supported + p_refuted), p_refuted / (p_supported + p_refuted)
    label, confidence = decide(p_supported, p_refuted, model)
    best = None
    if readings:
        side = "refutes" if label == REFUTED else "supports"
        best = max(readings, key=lambda r: r.stance.scores[side])
    return Direct(label, round(confidence, 3), round(p_supported, 4), round(p_refuted, 4), best)




