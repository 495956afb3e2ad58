"""Stance scoring: batch invariance and speed, pair by pair (shipped) against padded batches of 16 (before).

For 256 SciFact claim/abstract pairs (as bench.py's stance figure), each pair is scored alone and inside the
whole list; the largest difference of any probability is reported, with pairs/s both ways and the time for
one judge step of 12 evidence sentences.

Usage: python benchmarks/stance_batch.py --data ../shared/data --out benchmarks/results
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from veracity import onnx_model
from veracity.embed import batches_by_length
from veracity.stance import MiniLMStance


def batched(stance: MiniLMStance, pairs: list[tuple[str, str]], size: int) -> np.ndarray:
    """The scoring before this change: padded batches of `size` sorted by length."""
    out = np.zeros((len(pairs), 3), dtype=np.float32)
    sess = onnx_model.session(stance.model_path, stance.sha256)
    encodings = onnx_model.tokenizer(stance.max_length, pair=True).encode_batch([(e, c) for c, e in pairs])
    for rows, feed in batches_by_length(encodings, size):
        logits = sess.run(None, feed)[0]
        probs = np.exp(logits - logits.max(axis=1, keepdims=True))
        out[rows] = probs / probs.sum(axis=1, keepdims=True)
    return out


def best_rate(fn, n: int, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return n / min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    queries = args.data / "bench/scifact/beir/queries.jsonl"
    corpus = args.data / "bench/scifact/derived/beir_corpus.jsonl"
    if not queries.exists() or not corpus.exists():
        sys.exit(f"missing {queries} or {corpus}: point --data at the shared data folder")
    claims = [json.loads(line)["text"] for line in queries.open()][:256]
    rows = [json.loads(line) for line, _ in zip(corpus.open(), range(256))]
    pairs = [(c, r["text"][:900]) for c, r in zip(claims, rows)]
    stance = MiniLMStance()
    stance.probabilities(pairs[:16])
    together = stance.probabilities(pairs)
    alone = np.vstack([stance.probabilities([p]) for p in pairs])
    old_together = batched(stance, pairs, 16)
    old_alone = np.vstack([batched(stance, [p], 16) for p in pairs])
    judge_times = []
    for start in range(0, 240, 12):
        t = time.perf_counter()
        stance.probabilities(pairs[start:start + 12])
        judge_times.append(time.perf_counter() - t)
    lengths = [min(128, len(e.ids)) for e in onnx_model.tokenizer(128, pair=True).encode_batch(
        [(e, c) for c, e in pairs])]
    result = {
        "pairs": len(pairs), "mean_tokens": round(statistics.mean(lengths), 1),
        "pair_by_pair": {"max_abs_diff_alone_vs_in_list": float(np.abs(together - alone).max()),
                         "pairs_per_s": round(best_rate(lambda: stance.probabilities(pairs), len(pairs)), 1)},
        "batches_of_16_before": {"max_abs_diff_alone_vs_in_batch": round(float(np.abs(old_together - old_alone).max()), 4),
                                 "pairs_per_s": round(best_rate(lambda: batched(stance, pairs, 16), len(pairs)), 1)},
        "judge_step_12_sentences_s": {"median": round(statistics.median(judge_times), 3),
                                      "max": round(max(judge_times), 3)},
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "stance_batch.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
