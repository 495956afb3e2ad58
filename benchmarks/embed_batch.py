"""Embedding: is a text's vector the same alone and in any batch, and what batching is worth (issue 24.26).

The texts are what ingest embeds: every sentence of the demo collection (examples/, chunked as ingest chunks it),
with passages of 12 sentences among them (so batches pad), repeated to --texts. Each text is embedded alone and
inside shuffled batches of 2, 3, 7, 16 and 64; the largest difference of any vector component is reported. Then
texts/s text by text (batch 1) and in the shipped batches of 16 (sorted by length), best of 3, one after the
other in the same run (the machine is shared).

Usage: python benchmarks/embed_batch.py [--texts 512] [--out benchmarks/results]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import time
from pathlib import Path

import numpy as np

from veracity import onnx_model
from veracity.embed import MiniLMEmbedder
from veracity.ingest.chunk import chunk
from veracity.text import clean_text

ROOT = Path(__file__).resolve().parent.parent


def best_rate(fn, n: int, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return n / min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=512)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = parser.parse_args()
    sentences = []
    for path in sorted((ROOT / "examples").glob("*.md")):
        text = clean_text(path.read_text(encoding="utf-8"))
        sentences += [text[s.start:s.end] for c in chunk(text, 1200) for s in c.sentences]
    passages = [" ".join(sentences[i:i + 12]) for i in range(0, len(sentences), 12)]
    distinct = sentences + passages
    texts = (distinct * (args.texts // len(distinct) + 1))[:args.texts]
    one, sixteen = MiniLMEmbedder(batch_size=1), MiniLMEmbedder(batch_size=16)
    sixteen.embed(texts[:16])
    alone = np.vstack([one.embed([t]) for t in distinct])
    rng, worst = random.Random(24), 0.0
    for size in (2, 3, 7, 16, 64):
        order = list(range(len(distinct)))
        rng.shuffle(order)
        together = MiniLMEmbedder(batch_size=size).embed([distinct[i] for i in order])
        worst = max(worst, float(np.abs(together - alone[order]).max()))
    lengths = [len(e.ids) for e in onnx_model.tokenizer(256).encode_batch(texts)]
    result = {
        "texts": len(texts), "distinct_texts": len(distinct), "mean_tokens": round(statistics.mean(lengths), 1),
        "max_abs_diff_alone_vs_in_batches": worst,
        "texts_per_s": {"batches_of_16_shipped": round(best_rate(lambda: sixteen.embed(texts), len(texts)), 1),
                        "text_by_text": round(best_rate(lambda: one.embed(texts), len(texts)), 1)},
        "machine": f"{platform.machine()}, {os.cpu_count()} cores (shared), Python {platform.python_version()}",
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "embed_batch.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
