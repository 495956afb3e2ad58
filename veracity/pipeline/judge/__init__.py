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
pipeline/judge/aggregate.py), it decides the claim's label and confidence instead, and abstains when unsure; the
tally above still gives the rationale's weights, and open questions (agreement) keep the tally's rule.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from ...errors import LLMError
from ...labels import ANSWERED, DISPUTED
from ...llm import LLM, Ledger
from ...onnx_model import MODELS
from ...stance import StanceModel
from ...text import plural
from ...types import MIXED, NEUTRAL, NOT_ENOUGH_EVIDENCE, REFUTED, REFUTES, STANCE_LABELS, SUPPORTED, SUPPORTS, Candidate, Evidence, Failure, Judgement, Plan, Selection, Stance, Verdict
from . import aggregate, direct, kind
from .align import RESTATED_P

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
    from ...stance import MODEL_SHA256

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


@dataclass(frozen=True)
class Decision:
    """A claim's label, the probability stated for it, and what decided it; the rationale is written from it."""

    label: str
    confidence: float
    basis: str  # direct, aggregate or tally (see Verdict.basis)
    probabilities: dict[str, float] | None
    best: direct.Reading | None = None  # the reading that decided (basis direct)
    rulings: bool = False  # the sources read are fact-checkers' rulings (kind.py), so the aggregator decided
    restated: str | None = None  # "negation", "number" or "antonym": the deciding sentence restates the claim otherwise


def decision(claim: str, evidence: list[Evidence], readings: list[direct.Reading], t: Tally) -> Decision:
    """The direct path decides when a source states the claim or its opposite; otherwise the aggregator, when it
    is decisive the same way the direct path leans (a fact-checker's argument); otherwise the sources do not
    settle it, or, when both sides are clearly there, they disagree (mixed). Without fitted models, the tally."""
    d = direct.assess(claim, readings)
    if d is None:
        label, raw = decide(t)
        return Decision(label, calibrated(raw, label), "tally", None)
    probs = {SUPPORTED: d.supported, REFUTED: d.refuted, NOT_ENOUGH_EVIDENCE: round(max(0.0, 1 - d.supported - d.refuted), 4)}
    assessed = aggregate.assess(claim, evidence) if evidence else None
    if assessed is not None and kind.kinds(evidence + [r.evidence for r in readings]).rulings:  # fact-checkers' rulings: the aggregator reads them
        return Decision(assessed.label, assessed.confidence, "aggregate", dict(assessed.probabilities), rulings=True)
    otherwise = direct.restated(claim, readings)
    if otherwise is not None:
        return contradicted(otherwise, d)
    contrary = (assessed is not None and assessed.label in (SUPPORTED, REFUTED) and d.label is not None
                and assessed.label != d.label)
    if d.label is not None and not contrary:
        return Decision(d.label, d.confidence, "direct", probs, d.best)
    if contrary:  # the direct reading and the whole-evidence reading decide opposite ways: neither decides
        return unsettled(probs, d.best)
    if (assessed is not None and assessed.label in (SUPPORTED, REFUTED) and probs[assessed.label] >= AGREE_FLOOR
            and (assessed.label == SUPPORTED or direct.named(claim, readings))):
        return Decision(assessed.label, assessed.confidence, "aggregate", dict(assessed.probabilities))
    if min(t.supports, t.refutes) >= MIXED_LEVEL and min(d.supported, d.refuted) >= MIXED_FLOOR:
        return Decision(MIXED, round(min(d.supported, d.refuted) / max(d.supported + d.refuted, 1e-6), 3),
                        "direct", probs, d.best)
    return unsettled(probs, d.best)


def unsettled(probs: dict[str, float], best: direct.Reading | None) -> Decision:
    """Not enough evidence, with P(not_enough_evidence) = 1 - P(supported) - P(refuted). The two heads are fitted
    apart (one against the rest each) and, where both are high, their sum reaches 1 and the remainder is 0: there
    the three outcomes are coupled as one-vs-rest classifiers' are, P(supported) (1 - P(refuted)), P(refuted)
    (1 - P(supported)) and (1 - P(supported)) (1 - P(refuted)), normalised, so that "Not enough evidence (0%)"
    never states a label its own figures rule out. (Coupled everywhere, the verdict suite's ECE rose on every set:
    FEVER-symmetric 0.211 -> 0.253, AVeriTeC 0.353 -> 0.418.)"""
    s, r = probs[SUPPORTED], probs[REFUTED]
    if s + r < 1:
        return Decision(NOT_ENOUGH_EVIDENCE, probs[NOT_ENOUGH_EVIDENCE], "direct", probs, best)
    whole = max(1 - s * r, 1e-9)
    coupled = {SUPPORTED: round(s * (1 - r) / whole, 4), REFUTED: round(r * (1 - s) / whole, 4)}
    coupled[NOT_ENOUGH_EVIDENCE] = round(1 - coupled[SUPPORTED] - coupled[REFUTED], 4)
    return Decision(NOT_ENOUGH_EVIDENCE, coupled[NOT_ENOUGH_EVIDENCE], "direct", coupled, best)


def contradicted(otherwise: direct.Restatement, d: direct.Direct) -> Decision:
    """A source restates the claim with a negation put in or taken out, another number or a word's opposite: refuted,
    with the
    rate at which such restatements contradicted dev claims (align.RESTATED_P). When another source states the
    claim (the direct path decides supported on a sentence of another document group), the sources disagree:
    mixed, with the chance that both are right."""
    group = otherwise.reading.evidence.document.group
    if d.label == SUPPORTED and d.best is not None and d.best.evidence.document.group != group:
        whole = d.supported + RESTATED_P
        probs = {SUPPORTED: round(d.supported / whole, 4), REFUTED: round(RESTATED_P / whole, 4), NOT_ENOUGH_EVIDENCE: 0.0}
        return Decision(MIXED, round(d.supported * RESTATED_P, 3), "direct", probs, d.best, restated=otherwise.kind)
    supported = round(min(d.supported, 1 - RESTATED_P), 4)
    probs = {SUPPORTED: supported, REFUTED: RESTATED_P, NOT_ENOUGH_EVIDENCE: round(1 - RESTATED_P - supported, 4)}
    return Decision(REFUTED, RESTATED_P, "direct", probs, otherwise.reading, restated=otherwise.kind)


RESTATED_WHAT = {"negation": "a negation put in or taken out", "number": "another number",
                 "antonym": "a word's opposite in its place"}
MIXED_FLOOR = 0.25  # each side's P at least this for "the sources disagree"
# The aggregator decides only where the direct path leans its way this much: it was fitted on fact-checkers'
# arguments, and on news that never addresses a claim it refuted at 0.80 ("... was elected mayor in April 2023").
AGREE_FLOOR = 0.5


RULINGS_READ = ("The sources read are fact-checkers' rulings on the claim, so they are read as a whole, not as sources "
                "stating it. ")


def rationale(claim_decision: Decision, t: Tally, counts: dict[str, int], groups: int, searched: str) -> str:
    """The verdict's reason in words, from the same numbers as its label; said first when the sources were rulings."""
    reason = because(claim_decision, t, counts, groups, searched)
    return RULINGS_READ + reason if claim_decision.rulings else reason


def because(claim_decision: Decision, t: Tally, counts: dict[str, int], groups: int, searched: str) -> str:
    label, probs, best = claim_decision.label, claim_decision.probabilities, claim_decision.best
    independent = plural(groups, "independent source")
    numbers = (f"P(supported) {probs[SUPPORTED]:.2f}, P(refuted) {probs[REFUTED]:.2f}; {independent}"
               if probs else f"support {t.supports:.2f}, refute {t.refutes:.2f}; {independent}")
    if claim_decision.restated is not None:
        return restatement(claim_decision, numbers)
    if claim_decision.basis == "direct" and best is not None and label in (SUPPORTED, REFUTED):
        verb = "states the claim" if label == SUPPORTED else "says otherwise"
        return f"“{best.evidence.document.title}” {verb}: “{best.evidence.quote}” ({numbers})."
    if claim_decision.basis == "aggregate" and label in (SUPPORTED, REFUTED):
        side = "support" if label == SUPPORTED else "contradict"
        return (f"The evidence, read as a whole, {'supports' if label == SUPPORTED else 'contradicts'} the claim: "
                f"{plural(counts['supports' if label == SUPPORTED else 'refutes'], 'sentence')} {side} it "
                f"({numbers}).")
    if label == SUPPORTED:
        return (f"{plural(counts['supports'], 'evidence sentence')} from the sources "
                f"{'supports' if counts['supports'] == 1 else 'support'} the claim and nothing outweighs "
                f"{'it' if counts['supports'] == 1 else 'them'} ({numbers}).")
    if label == REFUTED:
        return (f"{plural(counts['refutes'], 'evidence sentence')} "
                f"{'contradicts' if counts['refutes'] == 1 else 'contradict'} the claim and little supports it "
                f"({numbers}).")
    if label == MIXED:
        return f"The sources disagree: some support the claim and some contradict it ({numbers})."
    return unsettled_reason(probs, searched, numbers)


def unsettled_reason(probs: dict[str, float] | None, searched: str, numbers: str) -> str:
    """The reason for not_enough_evidence, from the figures as printed ("P(refuted) 0.50" never reads as
    "neither")."""
    not_false = " That is not evidence that it is false."
    shown_s, shown_r = (round(probs[SUPPORTED], 2), round(probs[REFUTED], 2)) if probs else (0.0, 0.0)
    if max(shown_s, shown_r) >= 0.5:
        side = "support" if shown_s >= shown_r else "contradict"
        return (f"The passages found ({searched}) lean to {side} the claim, but no source states it or its "
                f"opposite clearly enough to decide ({numbers}).{not_false}")
    return (f"The passages found ({searched}) are on the topic but neither state nor contradict the claim "
            f"({numbers}).{not_false}")


def restatement(claim_decision: Decision, numbers: str) -> str:
    """The reason when a source restates the claim otherwise: refuted, or mixed beside a source that states it."""
    best = claim_decision.best
    assert claim_decision.restated is not None and best is not None
    what = RESTATED_WHAT[claim_decision.restated]
    if claim_decision.label == MIXED:
        return (f"The sources disagree: “{best.evidence.document.title}” states the claim (“{best.evidence.quote}”), "
                f"and another source restates it with {what} ({numbers}).")
    return (f"“{best.evidence.document.title}” says otherwise: “{best.evidence.quote}”. It restates the claim in the "
            f"claim's own words with {what} ({numbers}).")


def verdict(claim: str, evidence: list[Evidence], *, searched: str,
            readings: list[direct.Reading] | None = None) -> Verdict:
    return ruling(claim, evidence, searched=searched, readings=readings).verdict


@dataclass(frozen=True)
class Ruling:
    verdict: Verdict
    deciding: Evidence | None  # the evidence sentence whose reading decided (a direct supported or refuted)
    decision: Decision | None = None
    tally: Tally | None = None


def ruling(claim: str, evidence: list[Evidence], *, searched: str,
           readings: list[direct.Reading] | None = None) -> Ruling:
    """The claim's verdict from its evidence (each with the stance model's scores) and, when given, the readings
    of the judge's pool (each sentence alone and with its follower); by default the evidence sentences alone."""
    counts = stance_counts(evidence)
    groups = len({e.document.group for e in evidence})
    if readings is None:
        readings = [direct.Reading(e, e.quote, e.stance) for e in evidence if e.stance is not None]
    if not evidence and not readings:
        chance = direct.assess(claim, [])
        confidence = chance.confidence if chance is not None else 1.0
        return Ruling(Verdict(NOT_ENOUGH_EVIDENCE, confidence, f"No sentence in the sources searched ({searched}) is "
                              "close enough to the claim to judge it. That is not evidence that it is false.", counts,
                              basis="none"), None)
    t = tally(evidence)
    made = decision(claim, evidence, readings, t)
    deciding = made.best.evidence if made.best is not None and made.label in (SUPPORTED, REFUTED) else None
    return Ruling(Verdict(made.label, made.confidence, rationale(made, t, counts, groups, searched), counts,
                          basis=made.basis, probabilities=made.probabilities), deciding, made, t)


def roles(claim: str, evidence: list[Evidence], readings: list[direct.Reading]) -> list[Evidence]:
    """Each evidence sentence's stance as the report files it, from the direct path's heads applied to that
    sentence's own readings (alone and with its follower): supports or refutes from P 0.5 up, else neutral; a
    sentence that restates the claim with a negation or a number changed (align.restated_otherwise) refutes.
    The stance model's raw scores are used when no heads were fitted."""
    model = direct.fitted()
    if model is None:
        return evidence
    out = []
    for e in evidence:
        own = [r for r in readings if sentence_key(r.evidence) == sentence_key(e)]
        if not own:
            out.append(e)
            continue
        if direct.restated(claim, own) is not None:  # the claim's words, with a negation or a number changed
            scores = {SUPPORTS: 0.0, REFUTES: RESTATED_P, NEUTRAL: round(1 - RESTATED_P, 4)}
            out.append(replace(e, stance=Stance(REFUTES, scores)))
            continue
        ps, pr = direct.probabilities(direct.features(claim, own), model)
        s, r = float(ps[0]), float(pr[0])
        label = SUPPORTS if s >= 0.5 and s >= r else REFUTES if r >= 0.5 else NEUTRAL
        scores = {SUPPORTS: round(s, 4), REFUTES: round(r, 4), NEUTRAL: round(max(0.0, 1 - s - r), 4)}
        out.append(replace(e, stance=Stance(label, scores)))
    return out


def shown(a: Evidence, b: Evidence) -> bool:
    return sentence_key(a) == sentence_key(b)


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
    if stance_model is None:
        return Judgement(candidates=selection.candidates, verdict=None)
    if plan.is_open:  # not true or false: the answer, and whether the sources agree on it
        return judge_open(selection.candidates, stance_model, searched)
    judged = judge_claim(plan.claim, selection, stance_model, searched)
    if llm is not None and ledger is not None and llm_stance in ("second", "judge") and judged.candidates:
        return second_opinion(plan.claim, judged, llm_stance, llm, ledger, searched)
    return judged


def judge_open(chosen: tuple[Candidate, ...], stance_model: StanceModel, searched: str) -> Judgement:
    if not chosen:
        return Judgement(candidates=chosen, verdict=unanswered(searched))
    scored, open_verdict = agreement([c.evidence for c in chosen], stance_model, searched=searched)
    return Judgement(candidates=tuple(replace(c, evidence=e) for c, e in zip(chosen, scored)), verdict=open_verdict)


def sentence_key(e: Evidence) -> tuple[int, int]:
    """One evidence sentence, wherever it was found: its document and where it starts."""
    return e.document.id, e.start


def judge_claim(claim: str, selection: Selection, stance_model: StanceModel, searched: str) -> Judgement:
    """A claim's verdict from the judge's pool (the report's evidence first), and the report's evidence filed
    by stance; the sentence that decided is shown when the report's evidence lacks it."""
    chosen = selection.candidates
    picked = {sentence_key(k.evidence) for k in chosen}
    pool = list(chosen) + [c for c in selection.pool if sentence_key(c.evidence) not in picked]
    readings = direct.read(claim, [c.evidence for c in pool], stance_model) if pool else []
    own = {sentence_key(r.evidence): r.stance for r in readings if r.alone}
    raw = [replace(c.evidence, stance=own.get(sentence_key(c.evidence))) for c in chosen]
    ruled = ruling(claim, raw, searched=searched, readings=readings)
    if ruled.deciding is not None and not any(shown(c.evidence, ruled.deciding) for c in chosen):
        deciding = next(c for c in pool if shown(c.evidence, ruled.deciding))  # the sentence that decided is shown
        chosen = (*chosen, deciding)
        raw.append(replace(deciding.evidence, stance=own.get(sentence_key(deciding.evidence))))
    chosen = tuple(replace(c, evidence=e) for c, e in zip(chosen, roles(claim, raw, readings)))
    filed = stance_counts([c.evidence for c in chosen])  # counted as filed, the shown deciding sentence included
    said = ruled.verdict
    if ruled.decision is not None and ruled.tally is not None:
        groups = len({c.evidence.document.group for c in chosen})
        said = replace(said, rationale=rationale(ruled.decision, ruled.tally, filed, groups, searched))
    return Judgement(candidates=chosen, verdict=replace(said, stance_counts=filed))


def second_opinion(claim: str, judged: Judgement, mode: str, llm: LLM, ledger: Ledger, searched: str) -> Judgement:
    """The LLM's stance on each evidence sentence: a second opinion beside the stance model's verdict, or,
    when the user opted in (mode "judge"), the stances the verdict is computed from."""
    from ..helpers.prose import second_opinion as llm_stances

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
