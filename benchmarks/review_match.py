"""How often a stored fact-check review would be matched to a claim at review.MATCH (cosine of embeddings).

CheckThat! 2022 task 2A test: 208 tweets, each with the Snopes claim (vclaim) it was checked as. For every
tweet, its gold claim's cosine is a true match; its best-scoring other claim among a fixed sample of
NEGATIVES claims is a false one. Reported at several floors: the share of tweets whose gold claim reaches it
(recall) and the share whose best wrong claim reaches it (false matches). Tweets are looser than the claim a
user checks, so recall here is a floor.

Usage: python benchmarks/review_match.py --data ../shared/data --out benchmarks/results
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from pathlib import Path

import numpy as np

from veracity.embed import MiniLMEmbedder
from veracity.pipeline.judge.review import MATCH

NEGATIVES = 2000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    base = args.data / "bench/checkthat2022-task2a-en"
    files = [base / "test_TEST.tsv", base / "CT2022-Task2A-EN-Test_Qrels_gold.tsv", base / "vclaims.jsonl"]
    if not all(f.exists() for f in files):
        sys.exit(f"missing one of {', '.join(map(str, files))}: point --data at the shared data folder")
    with files[0].open(encoding="utf-8") as fh:
        tweets = {row[0]: row[1] for row in csv.reader(fh, delimiter="\t") if len(row) >= 2}
    with files[1].open(encoding="utf-8") as fh:
        gold = {row[0]: row[2] for row in csv.reader(fh, delimiter="\t") if len(row) >= 4 and row[3] == "1"}
    claims = {}
    for line in files[2].open(encoding="utf-8"):
        if line.strip():
            row = json.loads(line)
            claims[row["vclaim_id"]] = row["vclaim"]
    queries = sorted(q for q in gold if q in tweets and gold[q] in claims)
    negatives = random.Random(0).sample(sorted(claims), NEGATIVES)
    embedder = MiniLMEmbedder()
    q_vectors = embedder.embed([tweets[q] for q in queries])
    gold_vectors = embedder.embed([claims[gold[q]] for q in queries])
    negative_vectors = embedder.embed([claims[c] for c in negatives])
    true_cos = (q_vectors * gold_vectors).sum(axis=1)
    others = q_vectors @ negative_vectors.T
    for i, q in enumerate(queries):
        others[i, [j for j, c in enumerate(negatives) if c == gold[q]]] = -1.0
    best_wrong = others.max(axis=1)
    floors = {}
    for floor in (0.6, 0.7, 0.75, 0.8, 0.85, 0.9):
        floors[str(floor)] = {"gold_matched": round(float(np.mean(true_cos >= floor)), 3),
                              "wrong_matched": round(float(np.mean(best_wrong >= floor)), 3)}
    result = {"queries": len(queries), "negatives": NEGATIVES, "match_floor": MATCH, "floors": floors}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "review_match.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
