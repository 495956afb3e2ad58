"""judge: the stance of every evidence sentence toward the claim, and one calibrated verdict.

Aggregation:
    each sentence counts p(stance) * weight(relevance); a sentence at FULL_RELEVANCE or more counts fully;
    per independence group (near-duplicates count once) the strongest sentence for each stance;
    across the groups whose strongest sentence reaches COUNTS, a noisy-OR: S = 1 - prod(1 - s_g), R likewise
    (each independent source that clearly takes a side is one more reason; weak leanings do not pile up).
    max(S, R) below MIN_STRENGTH      -> not_enough_evidence (the sources do not settle it)
    min(S, R) at MIXED_LEVEL or more  -> mixed (both sides are clearly there)
    else the stronger side            -> supported / refuted
Confidence is a raw score mapped through a Platt scaling fitted on held-out licence-clean dev data
(benchmarks/calibrate.py writes veracity/models/calibration.json).

When an aggregator was fitted for the stance model that ships (veracity/models/aggregator.json, see
pipeline/aggregate.py), it decides the claim's label and confidence instead, and abstains when unsure; the
tally above still gives the rationale's weights, and open questions (agreement) keep the tally's rule.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from ..errors import LLMError
from ..labels import ANSWERED, DISPUTED
from ..llm import LLM, Ledger
from ..onnx_model import MODELS
from ..stance import StanceModel
from ..text import plural
from ..types import MIXED, NEUTRAL, NOT_ENOUGH_EVIDENCE, REFUTED, STANCE_LABELS, SUPPORTED, Evidence, Failure, Judgement, Plan, Selection, Stance, Verdict
from . import aggregate

FULL_RELEVANCE = 0.5
COUNTS = 0.5  # a group's best sentence counts toward a side only from this weighted score up
MIN_STRENGTH = 0.5
MIXED_LEVEL = 0.5


@dataclass(frozen=True)
class Tally:
    supports: float
    refutes: float
    neutral: float


def score(claim: str, evidence: list[Evidence], stance_model: StanceModel) -> list[Evidence]:
    stances = stance_model.score(claim, [e.quote for e in evidence])
    return [replace(e, stance=s) for e, s in zip(evidence, stances)]


def weight(relevance: float) -> float:
    return min(1.0, max(relevance, 0.0) / FULL_RELEVANCE)


def tally(evidence: list[Evidence]) -> Tally:
    best: dict[int, dict[str, float]] = {}
    for e in evidence:
        if e.stance is None:
            continue
        group = best.setdefault(e.document.group, {"supports": 0.0, "refutes": 0.0, "neutral": 0.0})
        for label in group:
            group[label] = max(group[label], e.stance.scores[label] * weight(e.relevance))
    supports = 1 - math.prod(1 - g["supports"] for g in best.values() if g["supports"] >= COUNTS)
    refutes = 1 - math.prod(1 - g["refutes"] for g in best.values() if g["refutes"] >= COUNTS)
    neutral = max((g["neutral"] for g in best.values()), default=0.0)
    return Tally(round(supports, 4), round(refutes, 4), round(neutral, 4))


@lru_cache(maxsize=1)
def calibration() -> dict[str, Any]:
    """The fitted Platt scaling, if one was fitted for the stance model that ships; identity otherwise."""
    from ..stance import MODEL_SHA256

    path = MODELS / "calibration.json"
    if path.exists():
        fitted = json.loads(path.read_text())
        if fitted.get("stance_model_sha256") == MODEL_SHA256:
            return dict(fitted)
    return {"a": 1.0, "b": {}, "fitted_on": "identity (no calibration fitted for this stance model)"}


def confidence_source() -> str:
    """What the verdict's confidence was fitted on: the aggregator's dev claims, else the Platt scaling's pairs."""
    fitted = aggregate.fitted()
    return f"aggregator: {fitted['fitted_on']}" if fitted else str(calibration()["fitted_on"])


def calibrated(raw: float, label: str) -> float:
    """P(the verdict is right) from the raw confidence: sigmoid(a * logit(raw) + b[label])."""
    c = calibration()
    x = min(max(raw, 1e-4), 1 - 1e-4)
    z = c["a"] * min(max(math.log(x / (1 - x)), -6.0), 6.0) + c["b"].get(label, 0.0)
    return round(1 / (1 + math.exp(-z)), 3)


def decide(t: Tally) -> tuple[str, float]:
    """(label, raw confidence in [0, 1]) from a tally."""
    strong, weak = max(t.supports, t.refutes), min(t.supports, t.refutes)
    if strong < MIN_STRENGTH:
        return NOT_ENOUGH_EVIDENCE, 1 - strong
    if weak >= MIXED_LEVEL:
        return MIXED, weak
    return (SUPPORTED if t.supports > t.refutes else REFUTED), strong * (1 - weak)


def stance_counts(evidence: list[Evidence]) -> dict[str, int]:
    counts = {"supports": 0, "refutes": 0, "neutral": 0}
    for e in evidence:
        if e.stance:
            counts[e.stance.label] += 1
    return counts


def verdict(claim: str, evidence: list[Evidence], *, searched: str) -> Verdict:
    counts = stance_counts(evidence)
    groups = len({e.document.group for e in evidence})
    t = tally(evidence)
    label, raw = decide(t)
    confidence = calibrated(raw, label)
    assessed = aggregate.assess(claim, evidence) if evidence else None
    if assessed is not None:
        label, confidence = assessed.label, assessed.confidence
    if not evidence:
        return Verdict(label, confidence, f"No sentence in the sources searched ({searched}) is close "
                       "enough to the claim to judge it. That is not evidence that it is false.", counts)
    weights = f"support {t.supports:.2f}, refute {t.refutes:.2f}"
    independent = plural(groups, "independent source")
    rationale = {
        SUPPORTED: f"{plural(counts['supports'], 'evidence sentence')} from the sources "
                     f"{'supports' if counts['supports'] == 1 else 'support'} the claim and nothing outweighs "
                     f"{'it' if counts['supports'] == 1 else 'them'} ({weights}; {independent}).",
        REFUTED: f"{plural(counts['refutes'], 'evidence sentence')} "
                   f"{'contradicts' if counts['refutes'] == 1 else 'contradict'} the claim and little supports it "
                   f"({weights}; {independent}).",
        MIXED: f"The sources disagree or support the claim only in part ({weights}; {independent}).",
        NOT_ENOUGH_EVIDENCE: (f"The passages found ({searched}) are on the topic but neither confirm nor "
                                f"contradict the claim ({weights}). That is not evidence that it is false."
                                if max(t.supports, t.refutes) < COUNTS else
                                f"The passages found ({searched}) bear on the claim ({weights}; {independent}), but "
                                "not decisively enough to settle it. That is not evidence that it is false."),
    }[label]
    if assessed is not None and assessed.leaning:
        side = "support" if assessed.leaning == SUPPORTED else "contradict"
        rationale = (f"The evidence leans to {side} the claim (p {assessed.probabilities[assessed.leaning]:.2f}) "
                     f"but does not decide it ({weights}; {independent})."
                     + (" That is not evidence that it is false." if label == NOT_ENOUGH_EVIDENCE else ""))
    return Verdict(label, confidence, rationale, counts)


def agreement(evidence: list[Evidence], stance_model: StanceModel, *,
              searched: str) -> tuple[list[Evidence], Verdict]:
    """For an open question, which is neither true nor false: its answer and whether the sources agree on it.
    The most relevant evidence sentence is the leading answer; every sentence is scored for stance toward it,
    and the other independent sources are tallied as for a claim: they agree (answered), some contradict it
    (disputed), or none confirms or contradicts it (not_enough_evidence). The confidence is the tally's, as
    for the claim label it stands for (answered: supported; disputed: mixed or refuted)."""
    anchor = max(evidence, key=lambda e: e.relevance)
    scored = score(anchor.quote, evidence, stance_model)
    others = [e for e in scored if e.document.group != anchor.document.group]
    counts = stance_counts(others)
    t = tally(others)
    tallied, raw = decide(t)
    label = {SUPPORTED: ANSWERED, REFUTED: DISPUTED, MIXED: DISPUTED}.get(tallied, NOT_ENOUGH_EVIDENCE)
    agreeing = len({e.document.group for e in others  # the sources that count toward the tally's support
                    if e.stance and e.stance.scores["supports"] * weight(e.relevance) >= COUNTS})
    lead = f"The leading answer, from “{anchor.document.title}”, is: “{anchor.quote}”"
    rationale = {
        ANSWERED: f"{lead} {plural(counts['supports'], 'sentence')} from "
                  f"{plural(agreeing, 'other independent source')} "
                  f"{'agrees' if counts['supports'] == 1 else 'agree'} with it.",
        DISPUTED: f"{lead} Other sources contradict it ({plural(counts['refutes'], 'sentence')}): the sources "
                  "disagree.",
        NOT_ENOUGH_EVIDENCE: f"{lead} No other independent source confirms or contradicts it "
                             f"({plural(len({e.document.group for e in others}), 'other source')} searched in "
                             f"{searched}).",
    }[label]
    return scored, Verdict(label, calibrated(raw, tallied), rationale, counts)


def unanswered(searched: str) -> Verdict:
    """An open question with no evidence sentence close enough to answer it."""
    return Verdict(NOT_ENOUGH_EVIDENCE, calibrated(1.0, NOT_ENOUGH_EVIDENCE), f"No sentence in the sources searched "
                   f"({searched}) is close enough to the question to answer it.",
                   {"supports": 0, "refutes": 0, "neutral": 0})


def judge(plan: Plan, selection: Selection, stance_model: StanceModel | None, *, searched: str,
          llm: LLM | None = None, ledger: Ledger | None = None, llm_stance: str = "off") -> Judgement:
    """The stage: every evidence sentence's stance and the verdict; for an open question, whether the sources
    agree on the leading answer. stance_model None: no verdict. LLM mode with llm_stance second|judge adds the
    model's own stances (see second_opinion)."""
    chosen = selection.candidates
    if stance_model is None:
        return Judgement(candidates=chosen, verdict=None)
    if plan.is_open:  # not true or false: the answer, and whether the sources agree on it
        if not chosen:
            return Judgement(candidates=chosen, verdict=unanswered(searched))
        scored, open_verdict = agreement([c.evidence for c in chosen], stance_model, searched=searched)
        return Judgement(candidates=tuple(replace(c, evidence=e) for c, e in zip(chosen, scored)),
                         verdict=open_verdict)
    if chosen:
        scored = score(plan.claim, [c.evidence for c in chosen], stance_model)
        chosen = tuple(replace(c, evidence=e) for c, e in zip(chosen, scored))
    judged = Judgement(candidates=chosen, verdict=verdict(plan.claim, [c.evidence for c in chosen], searched=searched))
    if llm is not None and ledger is not None and llm_stance in ("second", "judge") and chosen:
        return second_opinion(plan.claim, judged, llm_stance, llm, ledger, searched)
    return judged


def second_opinion(claim: str, judged: Judgement, mode: str, llm: LLM, ledger: Ledger, searched: str) -> Judgement:
    """The LLM's stance on each evidence sentence: a second opinion beside the stance model's verdict, or,
    when the user opted in (mode "judge"), the stances the verdict is computed from."""
    from .prose import second_opinion as llm_stances

    chosen, model_verdict = judged.candidates, judged.verdict
    assert model_verdict is not None
    try:
        labels = llm_stances(claim, [c.evidence for c in chosen], llm, ledger)
    except LLMError as exc:
        return replace(judged, failures=(Failure("judge", f"the LLM could not give its stance ({exc}); the stance "
                                                          "model judged alone"),))
    model_labels = [c.evidence.stance.label if c.evidence.stance else NEUTRAL for c in chosen]
    agreed = round(sum(a == b for a, b in zip(labels, model_labels)) / len(labels), 3)
    by_llm = tuple(replace(c, evidence=replace(c.evidence, stance=Stance(label, {k: float(k == label)
                                                                              for k in STANCE_LABELS})))
                   for c, label in zip(chosen, labels))
    llm_verdict = verdict(claim, [c.evidence for c in by_llm], searched=searched)
    if mode == "second":
        return replace(judged, verdict=replace(model_verdict, second_opinion={
            "by": f"llm {llm.name}", "label": llm_verdict.label, "stances": labels, "agreement": agreed}))
    rationale = (f"Judged from the LLM's stances ({llm.name}; opted in with --llm-stance judge; the confidence "
                 f"is calibrated for the stance model, not for this LLM). {llm_verdict.rationale}")
    return Judgement(candidates=by_llm, verdict=replace(llm_verdict, rationale=rationale, second_opinion={
        "by": "stance model", "label": model_verdict.label, "stances": model_labels, "agreement": agreed}))
