"""Fit the kind model (veracity/pipeline/judge/kind.py): is a source a ruling or a report? Licence-clean dev data only.

Rulings: the fact-checkers' justifications of LIAR2 valid (PolitiFact, Apache-2.0). Reports: the documents of
FRANK dev (CNN/DM and BBC, MIT), Factcheck-GPT stance dev (Apache-2.0) and WiCE dev (ODC-BY), and the Wikipedia
evidence of Fool Me Twice dev (Apache-2.0) and FEVER-symmetric dev (CC BY-SA 3.0). Never a test split, never an
evaluation-only set.

The judge sees a source as the few sentences it read from it, so each document becomes bags of 1 to 12 of its
sentences drawn at random (BAGS_PER_RULING bags per justification, one per report: the two kinds weigh the same in
the fit, by class weights). A logistic regression over the bags' hashed word and word-pair buckets (binary,
L2-normalised) with L2 penalty. Out-of-fold (FOLDS folds by document) balanced accuracy is printed per bag size
and written to the model. The threshold from which a source counts as a ruling is chosen out of fold too: the P that
only REPORTS_AS_RULINGS of the report bags reach.

Usage: python benchmarks/fit_kind.py --data ../shared/data
Writes veracity/models/kind.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from pathlib import Path

import numpy as np

from veracity.eval import files_sha256
from veracity.pipeline.judge import kind
from veracity.text import sentence_spans

FOLDS = 5
BAG_SIZES = (1, 2, 3, 5, 8, 12)
BAGS_PER_RULING = 4
STEPS, RATE, L2 = 400, 2.0, 1e-4
REPORTS_AS_RULINGS = 0.02  # the share of dev report bags (out of fold) the threshold lets through as rulings


def sentences(text: str) -> list[str]:
    return [text[s.start:s.end] for s in sentence_spans(text)]


def jsonl(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def documents(data: Path) -> tuple[list[list[str]], list[list[str]], list[Path]]:
    """(reports, rulings, files): each document as its sentences."""
    files = [data / "grounded/frank_cnndm_dev.jsonl", data / "grounded/frank_xsum_dev.jsonl",
             data / "grounded/factcheck_gpt_stance_dev.jsonl", data / "bench/wice/dev.jsonl",
             data / "bench/fool-me-twice/dev.jsonl", data / "bench/fever-symmetric/fever_symmetric_dev.jsonl",
             data / "bench/liar2/valid.csv"]
    for f in files:
        if not f.exists():
            sys.exit(f"missing {f}: point --data at the shared data folder (it holds grounded/, bench/ and nli/)")
    reports: list[list[str]] = []
    for f in files[:3]:
        seen: set[str] = set()
        for r in jsonl(f):
            doc = str(r["document"])
            if doc not in seen:
                seen.add(doc)
                reports.append(sentences(doc))
    reports += [[str(x) for x in r["evidence"] if not str(x).startswith("(meta")]  # type: ignore[attr-defined]
                for r in jsonl(files[3])]
    reports += [[str(e["text"]) for e in r.get("retrieved_evidence", []) + r.get("gold_evidence", [])]  # type: ignore[operator,index]
                for r in jsonl(files[4])]
    reports += [[str(r["evidence"])] for r in jsonl(files[5])]
    with files[6].open(encoding="utf-8", newline="") as fh:
        rulings = [sentences(r["justification"]) for r in csv.DictReader(fh)]
    return [d for d in reports if d], [d for d in rulings if d], files


class Bags:
    """Bags as a sparse binary matrix, each row L2-normalised: row i holds buckets idx[row == i]."""

    def __init__(self, rows: list[list[int]]) -> None:
        self.n = len(rows)
        counts = np.array([len(r) for r in rows])
        self.idx = np.concatenate([np.array(r, dtype=np.int64) for r in rows])
        self.val = np.repeat(1 / np.sqrt(np.maximum(counts, 1)), counts)
        self.row = np.repeat(np.arange(self.n), counts)

    def dot(self, w: np.ndarray) -> np.ndarray:
        return np.bincount(self.row, weights=w[self.idx] * self.val, minlength=self.n)

    def tdot(self, e: np.ndarray) -> np.ndarray:
        return np.bincount(self.idx, weights=self.val * e[self.row], minlength=kind.KIND_BUCKETS)


def fit(x: Bags, y: np.ndarray) -> tuple[np.ndarray, float]:
    """Class-weighted logistic regression by gradient descent."""
    w, b = np.zeros(kind.KIND_BUCKETS), 0.0
    pos = y.mean()
    rw = np.where(y == 1, 0.5 / pos, 0.5 / (1 - pos))
    for _ in range(STEPS):
        p = 1 / (1 + np.exp(-(x.dot(w) + b)))
        e = (p - y) * rw
        w -= RATE * (x.tdot(e) / len(y) + L2 * w)
        b -= RATE * float(e.mean())
    return w, b


def balanced_accuracy(y: np.ndarray, p: np.ndarray) -> float:
    return float(0.5 * ((p[y == 1] >= 0.5).mean() + (p[y == 0] < 0.5).mean()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="the shared data folder")
    args = parser.parse_args()
    reports, rulings, files = documents(args.data)
    rng = random.Random(7)
    bags, labels, doc, size = [], [], [], []
    for d, (sents, y, per) in enumerate([(s, 0, 1) for s in reports] + [(s, 1, BAGS_PER_RULING) for s in rulings]):
        for _ in range(per):
            k = rng.choice(BAG_SIZES)
            bags.append(kind.buckets(rng.sample(sents, min(k, len(sents)))))
            labels.append(y)
            doc.append(d)
            size.append(min(k, len(sents)))
    y = np.array(labels, dtype=float)
    fold = np.array(doc) % FOLDS
    oof = np.zeros(len(y))
    for k in range(FOLDS):
        train, test = np.flatnonzero(fold != k), np.flatnonzero(fold == k)
        w, b = fit(Bags([bags[i] for i in train]), y[train])
        oof[test] = 1 / (1 + np.exp(-(Bags([bags[i] for i in test]).dot(w) + b)))
    sizes = np.array(size)
    by_size = {str(s): round(balanced_accuracy(y[sizes == s], oof[sizes == s]), 4) for s in sorted(set(size))
               if len(set(y[sizes == s])) == 2}
    # a report read as a ruling loses the direct reading of what it states, so the threshold keeps that rare
    threshold = float(np.quantile(oof[y == 0], 1 - REPORTS_AS_RULINGS))
    w, b = fit(Bags(bags), y)
    model = {"buckets": kind.KIND_BUCKETS, "weights": np.round(w, 5).tolist(), "bias": round(b, 5),
             "fitted_on": (f"{len(rulings)} rulings (LIAR2 valid) and {len(reports)} reports (FRANK dev, Factcheck-GPT "
                           f"dev, WiCE dev, Fool Me Twice dev, FEVER-symmetric dev); data sha256 "
                           f"{files_sha256(files)[:16]}"),
             "threshold": round(threshold, 4),
             "dev_out_of_fold": {"balanced_accuracy": round(balanced_accuracy(y, oof), 4),
                                 "rulings_at_threshold": round(float((oof[y == 1] >= threshold).mean()), 4),
                                 "reports_at_threshold": round(float((oof[y == 0] >= threshold).mean()), 4),
                                 "balanced_accuracy_by_sentences": by_size}}
    kind.KIND_PATH.write_text(json.dumps(model, separators=(",", ":")) + "\n")
    print(json.dumps({k: v for k, v in model.items() if k != "weights"}, indent=1))


if __name__ == "__main__":
    main()
