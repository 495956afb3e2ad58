"""Search latency at scale: p50/p95 per mode at 10k and 100k passages, peak memory and store size, with bm25s
as a baseline in the same run.

The collections are built from benchmark texts in ../shared/data (SciFact abstracts, the CheckThat! Snopes
claims, Climate-FEVER and HealthVer evidence, ...), one sentence per document, through veracity's own ingest
(so every passage is embedded by the shipped MiniLM). Vectors are searched by exact brute force at every
size (recall against brute force is 1.0 by construction). A 1M-passage collection is not built: embedding
1M passages takes over an hour on this 2-core machine. For 1M the dense step alone is timed on random unit
vectors (the cost of a brute-force scan does not depend on the values), and labelled so.

Usage: python benchmarks/search_scale.py --data ../shared/data --work /tmp/scale --out benchmarks/results
Writes OUT/search_scale.json. The stores are kept in --work and reused by a rerun (ingest resumes).
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import resource
import statistics
import time
from pathlib import Path

import numpy as np


def sentences(data: Path, limit: int) -> list[str]:
    """Distinct benchmark sentences of 6 to 80 words, in a fixed order."""
    out: dict[str, None] = {}

    def take(text: str) -> None:
        text = " ".join(text.split())
        if 6 <= len(text.split()) <= 80:
            out.setdefault(text, None)

    for line in (data / "bench/scifact/derived/corpus.jsonl").open(encoding="utf-8"):
        for s in json.loads(line)["abstract"]:
            take(s)
    for line in (data / "bench/checkthat2022-task2a-en/vclaims.jsonl").open(encoding="utf-8"):
        v = json.loads(line)
        take(v["vclaim"])
        take(v.get("subtitle") or "")
    for line in (data / "bench/climate-fever/climate-fever.jsonl").open(encoding="utf-8"):
        for e in json.loads(line)["evidences"]:
            take(e["evidence"])
    for name in ("healthver_dev.csv", "healthver_test.csv"):
        with (data / "bench/healthver" / name).open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                take(row["evidence"])
    for line in (data / "bench/check-covid/corpus.json").open(encoding="utf-8"):
        for s in json.loads(line)["abstract"]:
            take(s)
    for name in ("dev.jsonl", "test.jsonl"):
        for line in (data / "bench/fool-me-twice" / name).open(encoding="utf-8"):
            row = json.loads(line)
            for e in row.get("gold_evidence", []) + row.get("retrieved_evidence", []):
                take(e["text"])
    for line in (data / "nli/combined/pairs.jsonl").open(encoding="utf-8"):
        take(json.loads(line)["premise"])
    texts = list(out)
    if len(texts) < limit:
        raise SystemExit(f"only {len(texts)} distinct sentences in {data}; ask for fewer")
    return texts[:limit]


def queries(data: Path) -> list[str]:
    qs = [json.loads(line)["text"] for line in (data / "bench/scifact/beir/queries.jsonl").open(encoding="utf-8")][:100]
    tweets = (data / "bench/checkthat2022-task2a-en/test_TEST.tsv").read_text(encoding="utf-8").splitlines()
    return qs + [t.split("\t", 1)[1] for t in tweets[:100]]


def percentiles(times: list[float]) -> dict[str, float]:
    times = sorted(times)
    return {"p50": round(statistics.median(times), 2), "p95": round(times[int(len(times) * 0.95)], 2)}


def measure(texts: list[str], qs: list[str], work: Path, build: bool = True) -> dict:
    from veracity.engine import Engine
    from veracity.search import hybrid
    from veracity.settings import Settings

    db = work / f"scale-{len(texts)}.db"
    engine = Engine(Settings.load(db=db))
    built = time.perf_counter()
    if build and engine.store.counts()["passages"] < len(texts):
        source = work / f"scale-{len(texts)}.jsonl"
        with source.open("w", encoding="utf-8") as fh:
            for i, t in enumerate(texts):
                fh.write(json.dumps({"title": f"s{i}", "url": f"scale:{i}", "text": t}) + "\n")
        engine.ingest([source])
    build_s = time.perf_counter() - built
    counts = engine.store.counts()
    texts = texts[:counts["documents"]] if not build else texts  # bm25s indexes what the store holds
    vectors = engine.embedder.embed(qs)
    result = {"passages": counts["passages"], "documents": counts["documents"], "build_s": round(build_s, 1),
              "store_mb": round(db.stat().st_size / 1e6, 1), "vector_search": "exact brute force (numpy, fp32)",
              "ann_recall_vs_brute_force": 1.0}
    for mode in ("lexical", "dense", "hybrid"):
        hybrid(engine.store, engine.embedder, qs[0], 10, mode=mode, vector=vectors[0])  # loads the matrix once
        times = []
        for q, v in zip(qs, vectors):
            t = time.perf_counter()
            hybrid(engine.store, engine.embedder, q, 10, mode=mode, vector=v)
            times.append((time.perf_counter() - t) * 1000)
        result[f"{mode}_ms"] = percentiles(times)
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)

    import bm25s
    import Stemmer

    stemmer = Stemmer.Stemmer("english")
    t = time.perf_counter()
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize(texts, stopwords="en", stemmer=stemmer, show_progress=False), show_progress=False)
    index_s = time.perf_counter() - t
    times = []
    for q in qs:
        t = time.perf_counter()
        retriever.retrieve(bm25s.tokenize([q], stopwords="en", stemmer=stemmer, show_progress=False), k=10,
                           show_progress=False)
        times.append((time.perf_counter() - t) * 1000)
    result["bm25s_baseline_ms"] = percentiles(times) | {"index_s": round(index_s, 1)}
    engine.store.close()
    return result


def synthetic_dense(n: int, qs: int = 50, dim: int = 384) -> dict:
    rng = np.random.default_rng(0)
    matrix = rng.standard_normal((n, dim), dtype=np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    times = []
    for _ in range(qs):
        v = rng.standard_normal(dim, dtype=np.float32)
        t = time.perf_counter()
        scores = matrix @ v
        top = np.argpartition(-scores, 9)[:10]
        top[np.argsort(-scores[top])]
        times.append((time.perf_counter() - t) * 1000)
    return {"passages": n, "dense_ms": percentiles(times), "matrix_mb": round(matrix.nbytes / 1e6, 1),
            "note": "dense brute-force scan only, on random unit vectors; lexical and a real store not measured"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--work", type=Path, default=Path("/tmp/veracity-scale"))
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--synthetic", type=int, nargs="*", default=[100_000, 1_000_000])
    parser.add_argument("--no-build", action="store_true",
                        help="measure the stores in --work as they are (an interrupted build), without ingesting more")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    texts = sentences(args.data, max(args.sizes))
    qs = queries(args.data)
    result = {"machine": f"{platform.machine()}, {__import__('os').cpu_count()} cores, Python {platform.python_version()}",
              "queries": len(qs), "note": "query embedding excluded from latencies", "sizes": {}}
    for size in sorted(args.sizes):
        measured = measure(texts[:size], qs, args.work, build=not args.no_build)
        result["sizes"][str(measured["passages"])] = measured | {"target_size": size}
        print(json.dumps(measured), flush=True)
    result["synthetic_dense"] = [synthetic_dense(n) for n in args.synthetic]
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "search_scale.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
