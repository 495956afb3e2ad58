"""Fit the verdict confidence calibration on held-out, licence-clean dev data.

The data is the held-out dev split that training/prepare_stance_data.py writes (claims never trained on,
from licence-clean sets only; binary not_supports rows are left out). Each row is scored as a check would
score it (relevance, stance, judge.tally, judge.decide), then a Platt scaling with one slope and one offset per
label is fitted by Newton's method: P(verdict correct) = sigmoid(a * logit(raw) + b[label]).

Usage: python benchmarks/calibrate.py [--dev training/build/stance_dev.jsonl.gz]
Writes veracity/models/calibration.json (read by veracity.pipeline.judge) and prints the ECE before and after.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import math
from pathlib import Path

import numpy as np

from veracity.embed import MiniLMEmbedder
from veracity.eval.verdict import NEE, REFUTED, SUPPORTED, Case, ScoreCache, ece, tally_decisions
from veracity.onnx_model import MODELS
from veracity.types import VERDICT_LABELS as LABELS
from veracity.stance import MODEL_SHA256, MiniLMStance

GOLD = {"supports": SUPPORTED, "refutes": REFUTED, "neutral": NEE}


def features(predictions: list[tuple[str, float]]) -> np.ndarray:
    raw = np.clip([r for _, r in predictions], 1e-4, 1 - 1e-4)
    x = np.zeros((len(predictions), 1 + len(LABELS)))
    x[:, 0] = np.clip(np.log(raw / (1 - raw)), -6, 6)
    for i, (label, _) in enumerate(predictions):
        x[i, 1 + LABELS.index(label)] = 1.0
    return x


def loss(x: np.ndarray, y: np.ndarray, w: np.ndarray, l2: float) -> float:
    z = x @ w
    return float(np.sum(np.logaddexp(0, z) - y * z) + 0.5 * l2 * w @ w)


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 100) -> np.ndarray:
    """Regularised logistic regression by damped Newton steps (halved until the loss goes down)."""
    w = np.zeros(x.shape[1])
    w[0] = 1.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-np.clip(x @ w, -30, 30)))
        gradient = x.T @ (p - y) + l2 * w
        hessian = (x * (p * (1 - p))[:, None]).T @ x + l2 * np.eye(len(w))
        step, before = np.linalg.solve(hessian, gradient), loss(x, y, w, l2)
        scale = 1.0
        while loss(x, y, w - scale * step, l2) > before and scale > 1e-4:
            scale /= 2
        w = w - scale * step
        if np.abs(scale * step).max() < 1e-8:
            break
    return w


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", type=Path, default=Path("training/build/stance_dev.jsonl.gz"))
    args = parser.parse_args()
    if not args.dev.exists():
        raise SystemExit(f"calibrate.py: {args.dev} not found; training/prepare_stance_data.py writes it, or "
                         "pass --dev with the stance dev set")
    with gzip.open(args.dev, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    cases = [Case(r["claim"], (("e", r["evidence"]),), GOLD[r["label"]]) for r in rows if r["label"] in GOLD]
    predictions = tally_decisions(cases, ScoreCache(None, MiniLMStance(), MiniLMEmbedder()))
    correct = np.array([label == c.gold for (label, _), c in zip(predictions, cases)], dtype=float)
    x = features(predictions)
    w = fit(x, correct)
    calibrated = 1 / (1 + np.exp(-np.clip(x @ w, -30, 30)))
    before = ece([r for _, r in predictions], list(correct.astype(bool)))
    after = ece(list(calibrated), list(correct.astype(bool)))
    out = {"a": round(float(w[0]), 4), "b": {label: round(float(v), 4) for label, v in zip(LABELS, w[1:])},
           "fitted_on": f"{args.dev.name}: {len(cases)} held-out licence-clean dev pairs "
                        f"(sha256 {hashlib.sha256(args.dev.read_bytes()).hexdigest()[:16]})",
           "stance_model_sha256": MODEL_SHA256, "dev_accuracy": round(float(correct.mean()), 4),
           "dev_ece_before": round(before, 4), "dev_ece_after": round(after, 4)}
    (MODELS / "calibration.json").write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))
    if not math.isfinite(float(w.sum())):
        raise SystemExit("calibration did not converge")


if __name__ == "__main__":
    main()
