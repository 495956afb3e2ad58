"""Fit the claim-level aggregator (veracity/pipeline/judge/aggregate.py) on licence-clean dev claims only.

Dev claims:
- LIAR2 valid (Apache-2.0): PolitiFact claims, the justification's sentences as evidence;
  true/mostly-true -> supported, half-true -> mixed, barely-true/false/pants-fire -> refuted.
- CREAK dev (MIT; not used to train the stance model): claim + written explanation; true -> supported,
  false -> refuted.
- not_enough_evidence: every fourth LIAR2 valid and CREAK dev claim paired with the evidence of another
  claim of the same set (for LIAR2, a claim by the same speaker where there is one).
Never a test split, never an evaluation-only set.

A multinomial logistic regression (L2, standardised features) is fitted by gradient descent. Three-fold
out-of-fold predictions choose the decisive threshold: the lowest P(label) at which supported/refuted
answers reach a precision of aggregate.DECISIVE_PRECISION, and report the dev metrics.

Usage: python benchmarks/fit_aggregator.py --data ../shared/data [--work DIR]
Writes veracity/models/aggregator.json.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import random
import sys
from pathlib import Path

import numpy as np

from veracity.embed import MiniLMEmbedder
from veracity.eval import files_sha256
from veracity.eval.verdict import Case, ScoreCache, ece, evidence_lists, liar2, macro_f1
from veracity.pipeline.judge import aggregate, align
from veracity.stance import MODEL_SHA256, MiniLMStance

L2 = float(os.environ.get("FIT_L2", "1e-3"))  # on the standardised features
CUE_L2 = float(os.environ.get("FIT_CUE_L2", "1e-4"))  # on the hashed word weights
FOLDS = 3
BALANCED = os.environ.get("FIT_BALANCED", "1") == "1"  # each label weighs the same in the fit


def creak(path: Path) -> list[Case]:
    gold = {"true": "supported", "false": "refuted"}
    rows = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    return [Case(r["sentence"], (("explanation", r["explanation"]),), gold[r["label"]]) for r in rows]


def elsewhere(cases: list[Case], seed: int, topics: list[str] | None = None) -> list[Case]:
    """Every fourth claim with another claim's evidence: not_enough_evidence. With topics (LIAR2's speaker),
    the other claim is one on the same topic where there is one, so the evidence is near the claim's subject
    without settling it."""
    rng = random.Random(seed)
    by_topic: dict[str, list[int]] = {}
    for i, topic in enumerate(topics or []):
        by_topic.setdefault(topic, []).append(i)
    out = []
    for i in range(0, len(cases), 4):
        pool = [j for j in by_topic.get(topics[i], []) if j != i] if topics else []
        pool = pool or [j for j in range(len(cases)) if j != i]
        other = cases[rng.choice(pool)]
        if other.claim != cases[i].claim:
            out.append(Case(cases[i].claim, other.passages, "not_enough_evidence"))
    return out


class Sparse:
    """Rows of hashed cue counts as (row, column, value) triples: the products the fit needs in a few ms."""

    def __init__(self, dense: np.ndarray) -> None:
        self.rows, self.cols = np.nonzero(dense)
        self.vals = dense[self.rows, self.cols].astype(np.float64)
        self.shape = dense.shape

    def times(self, h: np.ndarray) -> np.ndarray:  # self @ h
        prod = self.vals[:, None] * h[self.cols]
        return np.stack([np.bincount(self.rows, prod[:, k], self.shape[0]) for k in range(h.shape[1])], axis=1)

    def t_times(self, err: np.ndarray) -> np.ndarray:  # self.T @ err
        prod = self.vals[:, None] * err[self.rows]
        return np.stack([np.bincount(self.cols, prod[:, k], self.shape[1]) for k in range(err.shape[1])], axis=1)


def fit(x: np.ndarray, c: np.ndarray, y: np.ndarray, steps: int = 600,
        lr: float = 0.1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weights, cue weights and bias of a softmax regression on standardised x and cue rows c (Adam on the
    mean log-loss + L2)."""
    n, f = x.shape
    k = len(aggregate.LABELS)
    sparse = Sparse(c)
    w, h, b = np.zeros((f, k)), np.zeros((c.shape[1], k)), np.zeros(k)
    onehot = np.eye(k)[y]
    counts = np.bincount(y, minlength=k).astype(float)
    row_weight = (n / (k * np.maximum(counts, 1)))[y][:, None] if BALANCED else np.ones((n, 1))
    m = [np.zeros_like(w), np.zeros_like(h), np.zeros_like(b)]
    v = [np.zeros_like(w), np.zeros_like(h), np.zeros_like(b)]
    for t in range(1, steps + 1):
        logits = x @ w + sparse.times(h) + b
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        err = (p - onehot) * row_weight
        grads = [x.T @ err / n + L2 * w, sparse.t_times(err) / n + CUE_L2 * h, err.mean(axis=0)]
        for i, (param, g) in enumerate(zip((w, h, b), grads)):
            m[i] = 0.9 * m[i] + 0.1 * g
            v[i] = 0.999 * v[i] + 0.001 * g * g
            param -= lr * (m[i] / (1 - 0.9 ** t)) / (np.sqrt(v[i] / (1 - 0.999 ** t)) + 1e-8)
    return w, h, b


def standardise(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale < 1e-6] = 1.0
    return mean, scale


def model_of(x: np.ndarray, c: np.ndarray, y: np.ndarray) -> dict:
    mean, scale = standardise(x)
    w, h, b = fit((x - mean) / scale, c, y)
    return {"mean": mean.tolist(), "scale": scale.tolist(), "weights": w.tolist(),
            "cue_weights": np.round(h, 5).tolist(), "bias": b.tolist()}


def decisive_threshold(p: np.ndarray, y: np.ndarray) -> float:
    """The lowest floor at which decisive answers (supported/refuted argmax at or above it) reach the target
    precision on the out-of-fold predictions."""
    best = p.argmax(axis=1)
    decisive_rows = np.isin(best, (0, 1))
    for floor in np.arange(0.30, 0.99, 0.01):
        kept = decisive_rows & (p.max(axis=1) >= floor)
        if kept.sum() >= 20 and (best[kept] == y[kept]).mean() >= aggregate.DECISIVE_PRECISION:
            return round(float(floor), 2)
    return 0.99


def scores(p: np.ndarray, y: np.ndarray, decisive: float) -> dict:
    chosen = [aggregate.choose(row, decisive) for row in p]
    labels = [aggregate.LABELS.index(label) for label, _ in chosen]
    conf = [c for _, c in chosen]
    correct = [int(a == b) for a, b in zip(labels, y)]
    gold = [aggregate.LABELS[i] for i in y]
    pred = [aggregate.LABELS[i] for i in labels]
    present = tuple(label for label in aggregate.LABELS if label in gold)
    dec = [ok for ok, lab in zip(correct, labels) if lab in (0, 1)]
    confusion = {g: {p: sum(1 for a, b in zip(gold, pred) if a == g and b == p) for p in aggregate.LABELS}
                 for g in present}
    return {"confusion_gold_to_predicted": confusion, "accuracy": round(float(np.mean(correct)), 4), "macro_f1": round(macro_f1(gold, pred, present), 4),
            "ece": round(ece(conf, [bool(c) for c in correct]), 4),
            "decisive_precision": round(float(np.mean(dec)), 4) if dec else 0.0,
            "decisive_coverage": round(len(dec) / len(y), 4)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="the shared data folder (holds bench/ and nli/)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/veracity-fit"), help="score cache folder")
    args = parser.parse_args()
    files = [args.data / "bench/liar2/valid.csv", args.data / "nli/extra/creak/dev.json"]
    for f in files:
        if not f.exists():
            sys.exit(f"missing {f}: point --data at the shared data folder")
    liar = liar2(files[0])
    creak_dev = creak(files[1])
    with files[0].open(encoding="utf-8", newline="") as fh:
        speakers = [row["speaker"] for row in csv.DictReader(fh)]
    cases = liar + creak_dev + elsewhere(liar, 1, speakers) + elsewhere(creak_dev, 2)
    args.work.mkdir(parents=True, exist_ok=True)
    code = hashlib.sha256(b"".join(Path(m.__file__).read_bytes() for m in (aggregate, align)) + MODEL_SHA256.encode()
                          + "".join(c.claim + c.gold for c in cases).encode()).hexdigest()[:16]
    kept = args.work / f"features-{code}.npz"  # features of these claims by this code, kept for a refit
    if kept.exists():
        saved = np.load(kept)
        x, cue_rows = saved["x"], saved["cues"]
    else:
        cache = ScoreCache(args.work, MiniLMStance(), MiniLMEmbedder())
        evidence = evidence_lists(cases, cache)
        x = np.stack([aggregate.features(c.claim, e) for c, e in zip(cases, evidence)])
        cue_rows = np.stack([aggregate.cues(e) for e in evidence])
        np.savez(kept, x=x, cues=cue_rows)
    y = np.array([aggregate.LABELS.index(c.gold) for c in cases])
    order = np.random.default_rng(7).permutation(len(cases))
    oof = np.zeros((len(cases), len(aggregate.LABELS)))
    for fold in range(FOLDS):
        test = order[fold::FOLDS]
        train = np.setdiff1d(order, test)
        oof[test] = aggregate.probabilities(x[test], cue_rows[test], model_of(x[train], cue_rows[train], y[train]))
    decisive = decisive_threshold(oof, y)
    model = model_of(x, cue_rows, y)
    liar_rows = np.arange(len(liar))
    out = {
        "features": list(aggregate.FEATURES), "cue_buckets": aggregate.CUE_BUCKETS, "labels": list(aggregate.LABELS),
        **model, "decisive": decisive,
        "stance_model_sha256": MODEL_SHA256,
        "fitted_on": f"{len(cases)} licence-clean dev claims: LIAR2 valid {len(liar)}, CREAK dev {len(creak_dev)}, "
                     f"{len(cases) - len(liar) - len(creak_dev)} of them paired with another claim's evidence "
                     f"(not_enough_evidence); data sha256 {files_sha256(files)[:16]}",
        "dev_out_of_fold": scores(oof, y, decisive),
        "dev_out_of_fold_liar2_valid": scores(oof[liar_rows], y[liar_rows], decisive),
    }
    aggregate.AGGREGATOR_PATH.write_text(json.dumps(out, indent=1) + "\n")
    print(json.dumps({k: v for k, v in out.items() if k not in ("mean", "scale", "weights", "cue_weights", "bias",
                                                                 "features")}, indent=2))


if __name__ == "__main__":
    main()
