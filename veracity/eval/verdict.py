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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..pipeline import judge
from ..pipeline.judge import direct
from ..types import MIXED, NOT_ENOUGH_EVIDENCE, REFUTED, STANCE_LABELS, SUPPORTED, Document, Evidence, Stance
from .base import Metric, SuiteResult, files_sha256, jsonl, missing, need, skip, suite

if TYPE_CHECKING:
    from ..embed import Embedder
    from ..stance import MiniLMStance

QUICK_CASES = 150
NEE = NOT_ENOUGH_EVIDENCE


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


LIAR2_GOLD = {"5": SUPPORTED, "4": SUPPORTED, "3": MIXED, "2": REFUTED, "1": REFUTED, "0": REFUTED}


def liar2(path: Path) -> list[Case]:
    """LIAR2 (PolitiFact): the claim, the fact-checker's justification (rating word removed) as its evidence,
    one sentence a passage from one source; true and mostly-true -> supported, half-true -> mixed,
    barely-true, false and pants-fire -> refuted."""
    from ..text import sentence_spans

    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    cases = []
    for r in rows:
        text = r["justification"].strip()
        passages = tuple(("justification", text[span.start:span.end]) for span in sentence_spans(text))
        cases.append(Case(r["statement"].strip(), passages, LIAR2_GOLD[r["label"]]))
    return cases


def _liar2_test(data: Path) -> list[Case]:
    return liar2(data / "liar2/test.csv")


def _scifact(data: Path) -> list[Case]:
    corpus = {str(doc["doc_id"]): doc["abstract"] for doc in jsonl(data / "scifact/derived/corpus.jsonl")}
    cases = []
    for r in jsonl(data / "scifact/derived/claims_dev.jsonl"):
        labels = {s["label"] for sets in r["evidence"].values() for s in sets}
        gold = SUPPORTED if "SUPPORT" in labels else REFUTED if "CONTRADICT" in labels else NEE
        passages = tuple((str(d), s) for d in r["cited_doc_ids"] for s in corpus.get(str(d), []))
        cases.append(Case(r["claim"], passages, gold))
    return cases


SETS: dict[str, tuple[VerdictSet, Callable[[Path], list[Case]]]] = {
    "fever-symmetric": (VerdictSet("FEVER-symmetric test", ("fever-symmetric/fever_symmetric_test.jsonl",),
                                   (SUPPORTED, REFUTED), (("accuracy", 0.616, "re-weighted BERT, Schuster et al. 2019"),),
                                   (("accuracy", 0.75),)), _fever_symmetric),
    "healthver": (VerdictSet("HealthVer test", ("healthver/healthver_test.csv",), (SUPPORTED, REFUTED, NEE),
                             (("macro_f1", 0.7721, "SciBERT, HealthVer leaderboard"),), (("macro_f1", 0.55),)),
                  _healthver),
    "climate-fever": (VerdictSet("Climate-FEVER claims (5 evidence sentences)", ("climate-fever/climate-fever.jsonl",),
                                 (SUPPORTED, REFUTED, NEE, MIXED),
                                 (("accuracy", 0.3878, "FEVER-trained model, Diggelmann et al. 2020"),),
                                 (("accuracy", 0.39),)), _climate_fever),
    "averitec": (VerdictSet("AVeriTeC dev_a (gold QA evidence)", ("averitec/dev_a.json",),
                            (SUPPORTED, REFUTED, NEE, MIXED),
                            (("accuracy", 0.804, "HerO with gold evidence, arXiv 2410.12377"),),
                            (("macro_f1", 0.45), ("decisive_precision", 0.80), ("decisive_coverage", 0.30))),
                 _averitec),
    "liar2": (VerdictSet("LIAR2 test (PolitiFact, justification as evidence)", ("liar2/test.csv",),
                         (SUPPORTED, REFUTED, MIXED), (), (("macro_f1", 0.40), ("decisive_precision", 0.80))),
              _liar2_test),
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


class ScoreCache:
    """Stance probabilities and sentence vectors kept in a work folder between runs (`--work`), keyed by the
    model's sha256 and the text, so a second run of a large set costs seconds. Scores do not depend on the
    batch (each pair is scored on its own), so a cached score is the score."""

    def __init__(self, work: Path | None, stance_model: MiniLMStance, embedder: Embedder) -> None:
        import sqlite3

        self.stance_model, self.embedder = stance_model, embedder
        self.db = sqlite3.connect(str(work / "verdict-scores.sqlite")) if work else None
        if self.db:
            self.db.execute("CREATE TABLE IF NOT EXISTS score (key TEXT PRIMARY KEY, value BLOB)")

    def _cached(self, kind: str, items: list[str], compute: Callable[[list[str]], np.ndarray],
                width: int) -> np.ndarray:
        import hashlib

        tag = f"{kind}:{getattr(self.stance_model, 'sha256', '') if kind == 'stance' else self.embedder.name}:"
        keys = [hashlib.sha256((tag + item).encode()).hexdigest() for item in items]
        out = np.zeros((len(items), width), dtype=np.float32)
        found: dict[str, np.ndarray] = {}
        if self.db:
            for start in range(0, len(keys), 500):
                chunk = keys[start:start + 500]
                rows = self.db.execute(f"SELECT key, value FROM score WHERE key IN ({','.join('?' * len(chunk))})", chunk)
                found.update((k, np.frombuffer(v, dtype=np.float32)) for k, v in rows)
        todo = [i for i, k in enumerate(keys) if k not in found]
        for start in range(0, len(todo), 512):  # kept as it goes: an interrupted run resumes where it stopped
            part = todo[start:start + 512]
            for i, row in zip(part, compute([items[i] for i in part])):
                found[keys[i]] = np.asarray(row, dtype=np.float32)
            if self.db:
                self.db.executemany("INSERT OR REPLACE INTO score VALUES (?, ?)",
                                    [(keys[i], found[keys[i]].tobytes()) for i in part])
                self.db.commit()
        for i, k in enumerate(keys):
            out[i] = found[k]
        return out

    def stance(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        joined = [f"{c}\x00{e}" for c, e in pairs]
        return self._cached("stance", joined, lambda items: self.stance_model.probabilities(
            [(item.split("\x00", 1)[0], item.split("\x00", 1)[1]) for item in items]), len(STANCE_LABELS))

    def vectors(self, texts: list[str]) -> np.ndarray:
        return self._cached("vector", texts, self.embedder.embed, self.embedder.dimension)


def evidence_lists(cases: list[Case], cache: ScoreCache) -> list[list[Evidence]]:
    """Each case's passages as the judge sees them after selection: relevance (cosine of MiniLM embeddings,
    as select computes it) and stance scores, one independence group per source key."""
    texts = sorted({c.claim for c in cases} | {t for c in cases for _, t in c.passages})
    index = {t: i for i, t in enumerate(texts)}
    vectors = cache.vectors(texts)
    probs = cache.stance([(c.claim, t) for c in cases for _, t in c.passages])
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
        out.append(evidence)
    return out


def predict(cases: list[Case], cache: ScoreCache) -> list[tuple[str, float]]:
    """(label, confidence) per case, as judge.verdict computes them for a check."""
    out = []
    for case, evidence in zip(cases, evidence_lists(cases, cache)):
        v = judge.verdict(case.claim, evidence, searched="the gold evidence", readings=readings(case.claim, evidence, cache))
        out.append((v.label, v.confidence))
    return out


def readings(claim: str, evidence: list[Evidence], cache: ScoreCache) -> list[direct.Reading]:
    """The direct path's readings of the passages, as a check makes them (direct.texts: questions left out),
    scored through the cache."""
    read = direct.texts(evidence)
    probs = cache.stance([(claim, t.text) for t in read]) if read else np.zeros((0, len(STANCE_LABELS)))
    return [direct.Reading(t.evidence, t.text, Stance(STANCE_LABELS[int(p.argmax())],
                                                      {lab: float(v) for lab, v in zip(STANCE_LABELS, p)}), t.alone)
            for t, p in zip(read, probs)]


def tally_decisions(cases: list[Case], cache: ScoreCache) -> list[tuple[str, float]]:
    """(label, raw confidence) per case from the tally rule alone (judge.decide), which
    benchmarks/calibrate.py fits its Platt scaling on."""
    return [judge.decide(judge.tally(evidence)) for evidence in evidence_lists(cases, cache)]


@dataclass(frozen=True)
class Prediction:
    """One claim of a verdict set, as predictions.jsonl writes it."""

    dataset: str
    claim: str
    gold: str
    predicted: str
    confidence: float


def risk_coverage(confidence: list[float], correct: list[bool]) -> list[dict[str, float]]:
    """Accuracy of the decisive answers kept at each confidence floor: answer only from `floor` up."""
    curve = []
    for floor in (0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        kept = [ok for c, ok in zip(confidence, correct) if c >= floor]
        curve.append({"floor": floor, "coverage": round(len(kept) / max(len(correct), 1), 4),
                      "precision": round(sum(kept) / len(kept), 4) if kept else 0.0})
    return curve


def verdict_values(gold: list[str], pred: list[str], confidence: list[float],
                   labels: tuple[str, ...]) -> dict[str, float]:
    """Each verdict metric but ECE: accuracy beside the majority baseline, and the precision of the decisive
    and of the confident (0.8 and up) answers with their coverage."""
    correct = [g == p for g, p in zip(gold, pred)]
    majority = max(labels, key=gold.count)
    decisive = [ok for p, ok in zip(pred, correct) if p in (SUPPORTED, REFUTED)]
    sure = [ok for c, ok in zip(confidence, correct) if c >= 0.8]
    return {
        "majority_baseline": gold.count(majority) / len(gold),
        "accuracy": sum(correct) / len(gold),
        "macro_f1": macro_f1(gold, pred, labels),
        "majority_macro_f1": macro_f1(gold, [majority] * len(gold), labels),
        "decisive_precision": sum(decisive) / len(decisive) if decisive else 0.0,
        "decisive_coverage": len(decisive) / len(gold),
        "precision_at_0.8": sum(sure) / len(sure) if sure else 0.0,
        "coverage_at_0.8": len(sure) / len(gold),
    }


def verdict_metrics(key: str, spec: VerdictSet, values: dict[str, float]) -> list[Metric]:
    """Each value beside its published reference and target (AVeriTeC's accuracy target: its majority baseline)."""
    refs = {name: (value, source) for name, value, source in spec.references}
    targets = dict(spec.targets)
    metrics = []
    for name, value in values.items():
        ref = refs.get(name)
        metrics.append(Metric(name, round(value, 4), ref[0] if ref else None, ref[1] if ref else "",
                              targets.get(name, values["majority_baseline"] if name == "accuracy" and key == "averitec"
                                          else None)))
    return metrics


def score_set(key: str, data: Path, *, quick: bool, cache: ScoreCache) -> SuiteResult:
    spec, load = SETS[key]
    need([data / f for f in spec.files], spec.name)
    cases = load(data)
    if quick and len(cases) > QUICK_CASES:
        cases = [cases[i] for i in sorted(random.Random(0).sample(range(len(cases)), QUICK_CASES))]
    started = time.perf_counter()
    predictions = predict(cases, cache)
    seconds = time.perf_counter() - started
    folded = MIXED not in spec.labels  # three-label sets count mixed as not_enough_evidence
    gold = [c.gold for c in cases]
    pred = [NEE if folded and label == MIXED else label for label, _ in predictions]
    confidence = [c for _, c in predictions]
    correct = [g == p for g, p in zip(gold, pred)]
    majority = max(spec.labels, key=gold.count)
    metrics = verdict_metrics(key, spec, verdict_values(gold, pred, confidence, spec.labels))
    metrics.append(Metric("ece", round(ece(confidence, correct), 4), target=0.10, lower_is_better=True))
    pairs = sum(len(c.passages) for c in cases)
    predicted = {label: pred.count(label) for label in sorted(set(pred))}
    curve = risk_coverage(confidence, correct)
    return SuiteResult(
        suite="verdict", dataset=key, rows=len(cases), quick=quick, seconds=round(seconds, 1),
        metrics=tuple(metrics), data_sha256=files_sha256([data / f for f in spec.files]),
        notes=f"{spec.name}; {pairs} claim/evidence pairs; majority label {majority}; risk-coverage "
              f"(confidence floor: coverage, precision) "
              + ", ".join(f"{p['floor']:g}: {p['coverage']:.2f}, {p['precision']:.2f}" for p in curve),
        details={"gold": {label: gold.count(label) for label in spec.labels}, "predicted": predicted,
                 "risk_coverage": curve},
        predictions=tuple(Prediction(key, c.claim, g, p, round(conf, 3))
                          for c, g, p, conf in zip(cases, gold, pred, confidence)))


@suite("verdict")
def verdict_suite(data: Path, *, quick: bool = False, work: Path | None = None,
                  only: tuple[str, ...] = ()) -> list[SuiteResult]:
    from ..embed import MiniLMEmbedder
    from ..stance import MiniLMStance

    keys = [k for k in SETS if not only or k in only]
    if work:
        work.mkdir(parents=True, exist_ok=True)
    cache = ScoreCache(work, MiniLMStance(), MiniLMEmbedder())
    # a dataset named by --only must be there; otherwise one whose files are missing is skipped with its reason
    gaps = {k: None if only else missing([data / f for f in SETS[k][0].files], SETS[k][0].name) for k in keys}
    return [skip("verdict", key, gap) if gap else score_set(key, data, quick=quick, cache=cache)
            for key, gap in gaps.items()]
