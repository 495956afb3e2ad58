"""Verdict suites: the stance model and the judge's aggregation on claims with given evidence passages.

Each case is a claim, its evidence passages (grouped by source) and a gold label. The passages go through
what a check does after selection: relevance (cosine of MiniLM embeddings, as select computes it),
stance scores, then judge.verdict. Three-label sets score `mixed` as not_enough_evidence (the sources do not
settle it); four-label sets (AVeriTeC, Climate-FEVER) keep it as their conflicting / disputed label.
"""

from __future__ import annotations

import csv
import json
import random
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..pipeline import judge
from ..types import STANCE_LABELS, Document, Evidence, Stance
from . import Metric, SuiteResult, files_sha256, jsonl, need, suite

QUICK_CASES = 150
SUPPORTED, REFUTED, NEE, MIXED = "supported", "refuted", "not_enough_evidence", "mixed"


@dataclass(frozen=True)
class Case:
    claim: str
    passages: tuple[tuple[str, str], ...]  # (group key, text)
    gold: str


@dataclass(frozen=True)
class VerdictSet:
    name: str
    files: tuple[str, ...]
    labels: tuple[str, ...]
    references: tuple[tuple[str, float, str], ...]  # (metric, value, source)
    targets: tuple[tuple[str, float], ...] = ()


def _fever_symmetric(data: Path) -> list[Case]:
    gold = {"SUPPORTS": SUPPORTED, "REFUTES": REFUTED}
    return [Case(r["claim"], (("e", r["evidence"]),), gold[r["gold_label"]])
            for r in jsonl(data / "fever-symmetric/fever_symmetric_test.jsonl")]


def _healthver(data: Path) -> list[Case]:
    gold = {"Supports": SUPPORTED, "Refutes": REFUTED, "Neutral": NEE}
    with (data / "healthver/healthver_test.csv").open(encoding="utf-8", newline="") as fh:
        return [Case(r["claim"], (("e", r["evidence"].strip()),), gold[r["label"]]) for r in csv.DictReader(fh)]


def _climate_fever(data: Path) -> list[Case]:
    gold = {"SUPPORTS": SUPPORTED, "REFUTES": REFUTED, "NOT_ENOUGH_INFO": NEE, "DISPUTED": MIXED}
    return [Case(r["claim"], tuple((e["article"], e["evidence"]) for e in r["evidences"]), gold[r["claim_label"]])
            for r in jsonl(data / "climate-fever/climate-fever.jsonl")]


def _averitec(data: Path) -> list[Case]:
    gold = {"Supported": SUPPORTED, "Refuted": REFUTED, "Not Enough Evidence": NEE,
            "Conflicting Evidence/Cherrypicking": MIXED}
    cases = []
    for r in json.loads((data / "averitec/dev_a.json").read_text(encoding="utf-8")):
        passages = []
        for i, q in enumerate(r.get("questions") or []):
            for j, a in enumerate(q.get("answers") or []):
                answer = (a.get("answer") or "").strip()
                if a.get("answer_type") == "Boolean" and a.get("boolean_explanation"):
                    answer = f"{answer}. {a['boolean_explanation'].strip()}"
                if answer:
                    passages.append((a.get("source_url") or f"q{i}a{j}", f"{q['question'].strip()} {answer}"))
        cases.append(Case(r["claim"], tuple(passages), gold[r["label"]]))
    return cases


def _scifact(data: Path) -> list[Case]:
    corpus = {str(doc["doc_id"]): doc["abstract"] for doc in jsonl(data / "scifact/derived/corpus.jsonl")}
    cases = []
    for r in jsonl(data / "scifact/derived/claims_dev.jsonl"):
        labels = {s["label"] for sets in r["evidence"].values() for s in sets}
        gold = SUPPORTED if "SUPPORT" in labels else REFUTED if "CONTRADICT" in labels else NEE
        passages = tuple((str(d), s) for d in r["cited_doc_ids"] for s in corpus.get(str(d), []))
        cases.append(Case(r["claim"], passages, gold))
    return cases


SETS = {
    "fever-symmetric": (VerdictSet("FEVER-symmetric test", ("fever-symmetric/fever_symmetric_test.jsonl",),
                                   (SUPPORTED, REFUTED), (("accuracy", 0.616, "re-weighted BERT, Schuster et al. 2019"),),
                                   (("accuracy", 0.616),)), _fever_symmetric),
    "healthver": (VerdictSet("HealthVer test", ("healthver/healthver_test.csv",), (SUPPORTED, REFUTED, NEE),
                             (("macro_f1", 0.7721, "SciBERT, HealthVer leaderboard"),)), _healthver),
    "climate-fever": (VerdictSet("Climate-FEVER claims (5 evidence sentences)", ("climate-fever/climate-fever.jsonl",),
                                 (SUPPORTED, REFUTED, NEE, MIXED),
                                 (("accuracy", 0.3878, "FEVER-trained model, Diggelmann et al. 2020"),),
                                 (("accuracy", 0.3878),)), _climate_fever),
    "averitec": (VerdictSet("AVeriTeC dev_a (gold QA evidence)", ("averitec/dev_a.json",),
                            (SUPPORTED, REFUTED, NEE, MIXED),
                            (("accuracy", 0.804, "HerO with gold evidence, arXiv 2410.12377"),),
                            (("accuracy", 0.60),)), _averitec),
    "scifact": (VerdictSet("SciFact dev (cited abstracts)", ("scifact/derived/claims_dev.jsonl", "scifact/derived/corpus.jsonl"),
                           (SUPPORTED, REFUTED, NEE), (("macro_f1", 0.510, "VeriSci abstract label-only F1 (different metric)"),)),
                _scifact),
}


def macro_f1(gold: list[str], pred: list[str], labels: tuple[str, ...]) -> float:
    scores = []
    for label in labels:
        tp = sum(g == p == label for g, p in zip(gold, pred))
        fp = sum(p == label and g != label for g, p in zip(gold, pred))
        fn = sum(g == label and p != label for g, p in zip(gold, pred))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores)


def ece(confidence: list[float], correct: list[bool], bins: int = 10) -> float:
    """Expected calibration error over equal-width confidence bins."""
    conf, hit = np.asarray(confidence, dtype=float), np.asarray(correct, dtype=float)
    edges = np.linspace(0, 1, bins + 1)
    total = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        inside = (conf > lo) & (conf <= hi) if lo > 0 else (conf >= lo) & (conf <= hi)
        if inside.any():
            total += inside.sum() / len(conf) * abs(hit[inside].mean() - conf[inside].mean())
    return float(total)


def predict(cases: list[Case], embedder, stance_model) -> list[tuple[str, float]]:
    """(label, raw confidence) per case, from judge.tally and judge.decide as judge.verdict computes them;
    judge.calibrated maps the raw confidence to the one a report shows."""
    texts = sorted({c.claim for c in cases} | {t for c in cases for _, t in c.passages})
    index = {t: i for i, t in enumerate(texts)}
    vectors = embedder.embed(texts)
    pairs = [(c.claim, t) for c in cases for _, t in c.passages]
    probs = stance_model.probabilities(pairs)
    out, k = [], 0
    for c in cases:
        evidence = []
        groups: dict[str, int] = {}
        for key, text in c.passages:
            p = probs[k]
            k += 1
            group = groups.setdefault(key, len(groups))
            doc = Document(id=group, title="", location=key, publisher=None, published=None, content_hash="",
                           group=group, text=text)
            relevance = float(vectors[index[text]] @ vectors[index[c.claim]])
            stance = Stance(STANCE_LABELS[int(p.argmax())], {lab: float(v) for lab, v in zip(STANCE_LABELS, p)})
            evidence.append(Evidence(document=doc, start=0, end=len(text), quote=text, relevance=relevance,
                                     stance=stance))
        out.append(judge.decide(judge.tally(evidence)))
    return out


def score_set(key: str, data: Path, *, quick: bool, embedder, stance_model) -> SuiteResult:
    spec, load = SETS[key]
    need([data / f for f in spec.files], spec.name)
    cases = load(data)
    if quick and len(cases) > QUICK_CASES:
        cases = [cases[i] for i in sorted(random.Random(0).sample(range(len(cases)), QUICK_CASES))]
    started = time.perf_counter()
    predictions = [(label, judge.calibrated(raw, label)) for label, raw in predict(cases, embedder, stance_model)]
    seconds = time.perf_counter() - started
    fold = (lambda label: NEE if label == MIXED else label) if MIXED not in spec.labels else (lambda label: label)
    gold = [c.gold for c in cases]
    pred = [fold(label) for label, _ in predictions]
    correct = [g == p for g, p in zip(gold, pred)]
    refs = {name: (value, source) for name, value, source in spec.references}
    targets = dict(spec.targets)
    metrics = []
    for name, value in (("accuracy", sum(correct) / len(cases)), ("macro_f1", macro_f1(gold, pred, spec.labels))):
        ref = refs.get(name)
        metrics.append(Metric(name, round(value, 4), ref[0] if ref else None, ref[1] if ref else "", targets.get(name)))
    metrics.append(Metric("ece", round(ece([c for _, c in predictions], correct), 4), lower_is_better=True))
    pairs = sum(len(c.passages) for c in cases)
    predicted = {label: pred.count(label) for label in spec.labels}
    return SuiteResult(
        suite="verdict", dataset=key, rows=len(cases), quick=quick, seconds=round(seconds, 1),
        metrics=tuple(metrics), data_sha256=files_sha256([data / f for f in spec.files]),
        notes=f"{spec.name}; {pairs} claim/evidence pairs, {pairs / seconds:.0f} pairs/s end to end",
        details={"gold": {label: gold.count(label) for label in spec.labels}, "predicted": predicted})


@suite("verdict")
def verdict_suite(data: Path, *, quick: bool = False, work: Path | None = None,
                  only: tuple[str, ...] = ()) -> list[SuiteResult]:
    from ..embed import MiniLMEmbedder
    from ..stance import MiniLMStance

    keys = [k for k in SETS if not only or k in only]
    embedder, stance_model = MiniLMEmbedder(), MiniLMStance()
    return [score_set(key, data, quick=quick, embedder=embedder, stance_model=stance_model) for key in keys]
