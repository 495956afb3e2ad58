"""Fit the direct path's two heads (veracity/pipeline/judge/direct.py) on licence-clean dev data only.

Rows (claim, document, label), each read as a check reads it: the document's sentences that select would keep
(usable, relevance at least the relevance threshold), the JUDGE_POOL most relevant, each alone and with its
follower, scored by the stance model that ships:
- FRANK dev, CNN/DM and BBC (MIT): a summary sentence of a supported summary is supported; a one-sentence
  unsupported summary is not supported (which sentence of a longer one is wrong is not known, so those rows only
  score, by the least supported sentence, and never train);
- Factcheck-GPT stance dev (Apache-2.0): supported / refuted / not_enough_evidence;
- WiCE dev (ODC-BY): supported, else not supported (partially supported counts as not supported, as in
  LLM-AggreFact);
  of these two, only the half the stance model did not train on (training/prepare_stance_data.py stance_half),
  so the thresholds are chosen on scores of claims the model never saw;
- LIAR2 valid (Apache-2.0) and CREAK dev (MIT): the claims the aggregator is fitted on, so the heads learn
  that a fact-check which restates a claim does not support it;
- made false by rule (FactCC): each supported claim with one of its numbers swapped for another number of the
  same document, a name swapped for another name of the document, or a negation put in: refuted.
Never a test split, never an evaluation-only set. Head "supported" learns supported against the rest on every
row; head "refuted" learns refuted against the rest on the rows whose refutation is known (not the
"not supported" rows of FRANK and WiCE, which mix the contradicted with the unmentioned).

Out-of-fold predictions (FOLDS folds by document) choose each head's decisive threshold: the lowest P at which
its answers reach direct.DECISIVE_PRECISION on the rows it can be wrong about, and give the dev figures.

Usage: python benchmarks/fit_direct.py --data ../shared/data [--work DIR]
Writes veracity/models/direct.json and prints the out-of-fold figures per set.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "training"))
from prepare_stance_data import stance_half  # noqa: E402  (the half of WiCE and Factcheck-GPT dev it trains on)

from veracity.embed import MiniLMEmbedder
from veracity.eval import files_sha256
from veracity.eval.grounded import GroundedCase, factcheck_gpt, frank, pool, sentences, wice
from veracity.eval.verdict import ScoreCache, liar2
from veracity.pipeline.judge import direct
from veracity.stance import MODEL_SHA256, MiniLMStance
from veracity.text import entities, sentence_spans
from veracity.types import REFUTED, STANCE_LABELS, SUPPORTED, Stance

FOLDS = 5
L2 = 1e-2
UNKNOWN = "not_supported"
GROUNDED = ("frank_cnndm", "frank_xsum", "factcheck_gpt_stance", "wice_dev")  # claims against whole documents
REFUTATION_KNOWN = ("factcheck_gpt_stance", "creak")  # natural rows whose refuted label is known
THRESHOLD_SETS = {SUPPORTED: ("wice_dev", "factcheck_gpt_stance", "frank_cnndm"), REFUTED: REFUTATION_KNOWN}  # a row whose refutation is not known: trains the supported head only


@dataclass(frozen=True)
class Row:
    case: GroundedCase
    label: str  # supported, refuted, not_enough_evidence or not_supported
    train: bool = True


class CachedStance:
    """The shipped stance model behind the score cache, as a StanceModel."""

    name, version = MiniLMStance.name, "cached"

    def __init__(self, cache: ScoreCache) -> None:
        self.cache = cache
        self.scores: dict[tuple[str, str], np.ndarray] = {}  # filled in one batch before the rows are read

    def score(self, claim: str, evidence: list[str]) -> list[Stance]:
        probs = [self.scores[(claim, e)] for e in evidence]
        return [Stance(STANCE_LABELS[int(p.argmax())], {k: float(v) for k, v in zip(STANCE_LABELS, p)}) for p in probs]


NUMBER = re.compile(r"\b\d[\d,.]*\b")
AUX = re.compile(r"\b(is|was|are|were|has|have|had|will|can|could|would|should|did|does|do)\b")


def falsified(case: GroundedCase, rng: random.Random) -> GroundedCase | None:
    """The claim made false by one rule, or None when no rule applies."""
    claim, doc = case.claim, case.document
    rules = []
    numbers = NUMBER.findall(claim)
    others = [n for n in dict.fromkeys(NUMBER.findall(doc)) if n not in numbers and len(n) < 12]
    if numbers and others:
        rules.append(lambda: claim.replace(rng.choice(numbers), rng.choice(others), 1))
    names = [n for n in entities(claim) if len(n) > 2]
    other_names = [n for n in dict.fromkeys(entities(doc)) if n not in claim and len(n) > 2]
    if names and other_names:
        rules.append(lambda: claim.replace(rng.choice(names), rng.choice(other_names), 1))
    if AUX.search(claim) and " not " not in f" {claim} ":
        rules.append(lambda: AUX.sub(lambda m: f"{m.group(0)} not", claim, count=1))
    if not rules:
        return None
    changed = rng.choice(rules)()
    return None if changed == claim else GroundedCase(case.id + "+false", case.dataset + "+rule", doc, changed, REFUTED)


def claim_sentences(claim: str) -> list[str]:
    return [claim[s.start:s.end] for s in sentence_spans(claim)] or [claim]


def rows_of(data: Path, rng: random.Random) -> tuple[list[Row], list[Path]]:
    grounded = data / "grounded"
    files = [grounded / "frank_cnndm_dev.jsonl", grounded / "frank_xsum_dev.jsonl",
             grounded / "factcheck_gpt_stance_dev.jsonl", data / "bench/wice/dev.jsonl",
             data / "bench/liar2/valid.csv", data / "nli/extra/creak/dev.json"]
    for f in files:
        if not f.exists():
            sys.exit(f"missing {f}: point --data at the shared data folder (it holds grounded/, bench/ and nli/)")
    rows: list[Row] = []
    for case in frank(files[0]) + frank(files[1]):
        parts = claim_sentences(case.claim)
        for i, part in enumerate(parts):
            one = GroundedCase(f"{case.id}#{i}", case.dataset, case.document, part, case.label)
            if case.label == SUPPORTED:
                rows.append(Row(one, SUPPORTED))
            else:
                rows.append(Row(one, UNKNOWN, train=len(parts) == 1))
    # the stance model trained on one half of these two sets (training/prepare_stance_data.py): the heads see the other
    rows += [Row(c, c.label) for c in factcheck_gpt(files[2]) if not stance_half(c.document)]
    rows += [Row(c, SUPPORTED if c.label == SUPPORTED else UNKNOWN) for c in wice(files[3]) if not stance_half(c.claim)]
    for c in liar2(files[4])[:1200]:
        doc = " ".join(t for _, t in c.passages)
        rows.append(Row(GroundedCase(f"liar2-{len(rows)}", "liar2", doc, c.claim, c.gold
                                     if c.gold in (SUPPORTED, REFUTED) else "not_enough_evidence"),
                        c.gold if c.gold in (SUPPORTED, REFUTED) else "not_enough_evidence"))
    gold = {"true": SUPPORTED, "false": REFUTED}
    for r in json.loads("[" + ",".join(line for line in files[5].read_text().splitlines() if line.strip()) + "]"):
        rows.append(Row(GroundedCase(f"creak-{len(rows)}", "creak", r["explanation"], r["sentence"], gold[r["label"]]),
                        gold[r["label"]]))
    made = [falsified(r.case, rng) for r in rows
            if r.label == SUPPORTED and r.case.dataset not in ("liar2", "creak")]
    rows += [Row(c, REFUTED) for c in made if c is not None]
    return rows, files


def fit_head(x: np.ndarray, y: np.ndarray, steps: int = 800, lr: float = 0.05) -> tuple[np.ndarray, float]:
    """Weights and bias of a balanced logistic regression on standardised x (Adam, L2)."""
    w, b = np.zeros(x.shape[1]), 0.0
    pos = max(y.mean(), 1e-3)
    rw = np.where(y == 1, 0.5 / pos, 0.5 / max(1 - pos, 1e-3))
    m, v, mb, vb = np.zeros_like(w), np.zeros_like(w), 0.0, 0.0
    for t in range(1, steps + 1):
        p = 1 / (1 + np.exp(-np.clip(x @ w + b, -30, 30)))
        err = (p - y) * rw
        g, gb = x.T @ err / len(y) + L2 * w, float(err.mean())
        m, v = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g * g
        mb, vb = 0.9 * mb + 0.1 * gb, 0.999 * vb + 0.001 * gb * gb
        w -= lr * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
        b -= lr * (mb / (1 - 0.9 ** t)) / (np.sqrt(vb / (1 - 0.999 ** t)) + 1e-8)
    return w, b


def platt(logit: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """a, b so that sigmoid(a * logit + b) is calibrated on the natural (unweighted) rows."""
    a, b = 1.0, 0.0
    for _ in range(300):
        p = 1 / (1 + np.exp(-np.clip(a * logit + b, -30, 30)))
        ga, gb = float(((p - y) * logit).mean()), float((p - y).mean())
        a, b = a - 0.5 * ga, b - 0.5 * gb
    return a, b


def threshold(p: np.ndarray, y: np.ndarray, precision: float) -> float:
    for floor in np.arange(0.30, 0.99, 0.01):
        kept = p >= floor
        if kept.sum() >= 20 and y[kept].mean() >= precision:
            return round(float(floor), 2)
    return 0.99


def balanced_accuracy(gold: np.ndarray, pred: np.ndarray) -> float:
    return float((pred[gold].mean() + (~pred[~gold]).mean()) / 2) if gold.any() and (~gold).any() else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="the shared data folder")
    parser.add_argument("--work", type=Path, default=Path("/tmp/veracity-fit"), help="score cache folder")
    parser.add_argument("--stance-model", type=Path, default=None,
                        help="a candidate stance model (.onnx) to fit for, instead of the one that ships")
    parser.add_argument("--out", type=Path, default=None,
                        help="where to write the heads (default: veracity/models/direct.json)")
    parser.add_argument("--refit", action="store_true",
                        help="reuse the features the last run kept in --work (same data and code), fit again")
    args = parser.parse_args()
    rng = random.Random(13)
    rows, files = rows_of(args.data, rng)
    args.work.mkdir(parents=True, exist_ok=True)
    embedder = MiniLMEmbedder()
    if args.stance_model is not None:
        import hashlib

        sha = hashlib.sha256(args.stance_model.read_bytes()).hexdigest()
        stance_model = MiniLMStance(model_path=str(args.stance_model), sha256=sha)
    else:
        sha, stance_model = MODEL_SHA256, MiniLMStance()
    cache = ScoreCache(args.work, stance_model, embedder)
    stance = CachedStance(cache)
    kept = args.work / f"direct-features-{sha[:12]}.npz"
    if args.refit and kept.exists() and len(np.load(kept)["labels"]) == len(rows):
        x = np.load(kept)["x"]
    else:
        texts = sorted({r.case.claim for r in rows} | {r.case.document[sp.start:sp.end] for r in rows
                                                           for sp in sentences(r.case.claim, r.case.document)})
        print(f"{len(rows)} rows, {len(texts)} texts to embed", file=sys.stderr, flush=True)
        vec = dict(zip(texts, cache.vectors(texts)))
        pools = [pool(r.case.claim, r.case.document, lambda items: np.stack([vec[t] for t in items])) for r in rows]
        pairs = sorted({(r.case.claim, t) for r, p in zip(rows, pools) for t in (x.text for x in direct.texts(p))})
        print(f"{len(pairs)} claim and reading pairs to score", file=sys.stderr, flush=True)
        stance.scores = dict(zip(pairs, cache.stance(pairs)))
        x = np.stack([direct.features(r.case.claim, direct.read(r.case.claim, p, stance)) for r, p in zip(rows, pools)])
        np.savez(kept, x=x, labels=np.array([r.label for r in rows]),
                 sets=np.array([r.case.dataset for r in rows]), train=np.array([r.train for r in rows]),
                 docs=np.array([r.case.document[:200] for r in rows]))
    labels = np.array([r.label for r in rows])
    sets = np.array([r.case.dataset for r in rows])
    train = np.array([r.train for r in rows])
    docs = sorted({r.case.document for r in rows})
    doc_fold = {d: i % FOLDS for i, d in enumerate(random.Random(5).sample(docs, len(docs)))}
    fold = np.array([doc_fold[r.case.document] for r in rows])
    natural = np.array([r.case.dataset in GROUNDED for r in rows])  # the direct kind, not made by rule
    ruled = np.array([r.case.dataset.endswith("+rule") for r in rows])
    refutation_known = np.array([r.case.dataset in REFUTATION_KNOWN for r in rows])
    heads = {  # head: (rows it is fitted on, its target, the rows its threshold is chosen on)
        SUPPORTED: (train & natural, labels == SUPPORTED, train & natural),
        REFUTED: (train & (refutation_known | ruled | (natural & (labels == SUPPORTED))), labels == REFUTED,
                  refutation_known),
    }
    model: dict = {"features": list(direct.FEATURES), "stance_model_sha256": sha}
    oof = {}
    for head, (usable, target, judged) in heads.items():
        mean, scale = x[usable].mean(axis=0), x[usable].std(axis=0)
        scale[scale < 1e-6] = 1.0
        z = (x - mean) / scale
        logit_oof = np.zeros(len(rows))
        for k in range(FOLDS):
            tr, te = usable & (fold != k), fold == k
            w, b = fit_head(z[tr], target[tr].astype(float))
            logit_oof[te] = z[te] @ w + b
        a, c = platt(logit_oof[judged], target[judged].astype(float))
        oof[head] = 1 / (1 + np.exp(-np.clip(a * logit_oof + c, -30, 30)))
        w, b = fit_head(z[usable], target[usable].astype(float))
        floors = [threshold(oof[head][judged & (sets == name)], target[judged & (sets == name)],
                            direct.DECISIVE_PRECISION[head])
                  for name in THRESHOLD_SETS[head]]  # decisive enough on each set, not only on their pool
        model[head] = {"mean": mean.tolist(), "scale": scale.tolist(), "weights": (a * w).tolist(),
                       "bias": float(a * b + c), "threshold": max(floors)}
    report: dict = {}
    sets = sorted({r.case.dataset for r in rows})
    for name in sets:
        sel = np.array([r.case.dataset == name for r in rows])
        gold_s = labels[sel] == SUPPORTED
        pred_s = oof[SUPPORTED][sel] >= model[SUPPORTED]["threshold"]
        pred_r = (oof[REFUTED][sel] >= model[REFUTED]["threshold"]) & ~pred_s
        gold_r = labels[sel] == REFUTED
        best_ba = max(balanced_accuracy(gold_s, oof[SUPPORTED][sel] >= t) for t in np.arange(0.05, 0.96, 0.05))
        report[name] = {"rows": int(sel.sum()), "supported_balanced_accuracy": round(balanced_accuracy(gold_s, pred_s), 4),
                        "supported_balanced_accuracy_best_threshold": round(best_ba, 4),
                        "supported_precision": round(float(gold_s[pred_s].mean()), 4) if pred_s.any() else None,
                        "supported_recall": round(float(pred_s[gold_s].mean()), 4) if gold_s.any() else None,
                        "refuted_precision": round(float(gold_r[pred_r].mean()), 4) if pred_r.any() else None,
                        "refuted_recall": round(float(pred_r[gold_r].mean()), 4) if gold_r.any() else None}
    for name in ("frank_cnndm", "frank_xsum"):  # a summary is supported when its least supported sentence is
        summary: dict[str, list[int]] = {}
        for i, r in enumerate(rows):
            if r.case.dataset == name:
                summary.setdefault(r.case.id.split("#")[0], []).append(i)
        gold_s = np.array([labels[ix[0]] == SUPPORTED for ix in summary.values()])
        least = np.array([min(oof[SUPPORTED][i] for i in ix) for ix in summary.values()])
        report[name]["summaries"] = len(summary)
        report[name]["summary_balanced_accuracy"] = round(balanced_accuracy(gold_s, least >= model[SUPPORTED]["threshold"]), 4)
        report[name]["summary_balanced_accuracy_best_threshold"] = round(max(
            balanced_accuracy(gold_s, least >= t) for t in np.arange(0.05, 0.96, 0.05)), 4)
    model["fitted_on"] = (f"{int(train.sum())} licence-clean dev rows (FRANK dev, Factcheck-GPT stance dev, WiCE dev, "
                          f"LIAR2 valid, CREAK dev, claims made false by rule); data sha256 {files_sha256(files)[:16]}")
    model["dev_out_of_fold"] = report
    (args.out or direct.DIRECT_PATH).write_text(json.dumps(model, indent=1) + "\n")
    print(json.dumps({k: model[k] for k in ("dev_out_of_fold", "fitted_on")}, indent=1))
    print(json.dumps({h: {"threshold": model[h]["threshold"],
                          "weights": dict(zip(direct.FEATURES, np.round(model[h]["weights"], 2).tolist()))}
                      for h in heads}, indent=1))


if __name__ == "__main__":
    main()
