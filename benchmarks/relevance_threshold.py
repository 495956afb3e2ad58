"""Set the evidence relevance threshold on data (BEIR-SciFact test queries and their gold abstracts).

For each query, the positive score is the best query-sentence cosine inside a gold abstract; the
negative score is the best query-sentence cosine inside an abstract chosen at random (seeded) from
the corpus, i.e. a collection that does not address the question. The threshold is the value that
maximises F1 of "addresses the question", and the script reports the rates on both sides.

Usage: python benchmarks/relevance_threshold.py [--data ../shared/data] [--out benchmarks/results]
"""

from __future__ import annotations

import argparse
import json
import sys
import random
import time
from pathlib import Path

import numpy as np

from veracity.embed import MiniLMEmbedder
from veracity.text import sentence_spans


def best_scores(embedder, queries: list[str], abstracts: list[str]) -> np.ndarray:
    qv = embedder.embed(queries)
    out = np.zeros(len(queries))
    sentences, owner = [], []
    for i, text in enumerate(abstracts):
        for s in sentence_spans(text):
            sentences.append(text[s.start:s.end])
            owner.append(i)
    sv = embedder.embed(sentences)
    owner = np.array(owner)
    for i in range(len(queries)):
        rows = sv[owner == i]
        out[i] = float((rows @ qv[i]).max()) if len(rows) else 0.0
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    parser.add_argument("--limit", type=int, default=300)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from data import require

    require(args.data, ("bench/scifact/derived/beir_corpus.jsonl", "bench/scifact/beir/queries.jsonl",
                        "bench/scifact/beir/qrels/test.tsv"), "relevance_threshold.py")
    base = args.data / "bench/scifact"
    corpus = {}
    for line in (base / "derived/beir_corpus.jsonl").open():
        row = json.loads(line)
        corpus[row["_id"]] = row["text"]
    queries = {row["_id"]: row["text"] for row in map(json.loads, (base / "beir/queries.jsonl").open())}
    gold: dict[str, str] = {}
    for line in list((base / "beir/qrels/test.tsv").open())[1:]:
        qid, did, _ = line.split("\t")
        gold.setdefault(qid, did)
    rng = random.Random(7)
    ids = sorted(gold)[: args.limit]
    keys = sorted(corpus)
    negatives = []
    for qid in ids:
        did = rng.choice(keys)
        while did == gold[qid]:
            did = rng.choice(keys)
        negatives.append(did)
    embedder = MiniLMEmbedder()
    started = time.time()
    pos = best_scores(embedder, [queries[q] for q in ids], [corpus[gold[q]] for q in ids])
    neg = best_scores(embedder, [queries[q] for q in ids], [corpus[d] for d in negatives])
    best = (0.0, 0.0)
    for t in np.arange(0.10, 0.80, 0.01):
        tp, fp, fn = (pos >= t).sum(), (neg >= t).sum(), (pos < t).sum()
        f1 = 2 * tp / max(2 * tp + fp + fn, 1)
        if f1 > best[1]:
            best = (round(float(t), 2), float(f1))
    t = best[0]
    result = {"threshold": t, "f1": round(best[1], 4), "queries": len(ids),
              "positives_kept": round(float((pos >= t).mean()), 4),
              "off_topic_rejected": round(float((neg < t).mean()), 4),
              "positive_mean": round(float(pos.mean()), 4), "negative_mean": round(float(neg.mean()), 4),
              "embedder": embedder.name, "seconds": round(time.time() - started, 1)}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "relevance_threshold.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
