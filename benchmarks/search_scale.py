"""Search latency at scale: p50/p95 per mode at 10k, 100k and 1M passages, peak memory and store size, with
bm25s as a baseline in the same run.

The collections are built from benchmark texts in ../shared/data (SciFact abstracts, the CheckThat! Snopes
claims, Climate-FEVER and HealthVer evidence, WiCE pages, LIAR2, ...: 256,829 distinct sentences) through
veracity's own ingest into a real store. Up to that count a collection is one sentence per document; the 1M
collection adds rounds of four-sentence documents over reshuffled sentences (see `collection`). Vectors are
searched by exact brute force at every size, so recall against brute force is 1.0 by construction.

Embedders: by default the shipped MiniLM embeds every sentence (the 10k and 100k runs). Embedding the 1M
collection (1.74M sentences) would take about 3.5 hours on the 2-core machine, so its run uses
--stand-in-vectors: hashed random unit vectors, which cost a brute-force scan exactly what real vectors cost
(lexical search and the store are untouched, but dense results are meaningless). --torch-model embeds with
all-MiniLM-L6-v2 through torch on a GPU instead (used once on a GPU machine, the process pinned to two cores:
benchmarks/results/search_scale_gpu_host.json). --pin-cores pins the timed part only.

`--stores` (issue 25) measures the three side by side in one run, on the collection benchmarks/pg_scale.py
builds (the same texts, static MiniLM stand-in vectors, loaded in bulk into both stores): the SQLite store
with its indexes beside the file (vector graph, tantivy; built here from the loaded store, timed), the
PostgreSQL store and bm25s (numba backend when numba is installed), each in a process of its own, so each
one's peak RSS and first search (opening included) are its own. For each: p50/p95 of lexical, dense and
hybrid search over the queries, recall@10 of dense search against exact search (SQLite: fp32 scan; PostgreSQL:
its scan of the stored halfvec), peak RSS, first-search time and size on disk; for SQLite also the overlap@10
of its lexical top 10 with FTS5 ranking every matching row (the ranking below 50,000 passages). Writes
OUT/search_scale_stores.json (a run for some sizes keeps the others). `--systems` measures some of the three
on the same collection and keeps the others' results for that size (at 1M, PostgreSQL's HNSW build alone
takes half an hour or more).

Usage:
    python benchmarks/search_scale.py --stores --sizes 100000 --data ../shared/data --work /tmp/stores
    python benchmarks/search_scale.py --data ../shared/data --work /tmp/scale --out benchmarks/results
    python benchmarks/search_scale.py --data ../shared/data --work /tmp/scale --sizes 1000000 --synthetic \
        --stand-in-vectors
Writes (updates) OUT/search_scale.json. The stores are kept in --work and reused by a rerun (ingest resumes).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
import lzma
import os
import platform
import resource
import statistics
import time
from contextlib import suppress
from pathlib import Path
from typing import Any

import numpy as np


def sentences(data: Path, limit: int | None = None) -> list[str]:
    """Distinct benchmark sentences of 6 to 80 words, in a fixed order (the sets read by the first versions of
    this script first, so the 10k and 100k collections stay what they were)."""
    out: dict[str, None] = {}

    def take(text: str) -> None:
        text = " ".join(text.split())
        if 6 <= len(text.split()) <= 80:
            out.setdefault(text, None)

    from veracity.eval import jsonl as rows

    def table(path: Path):
        with path.open(encoding="utf-8", newline="") as fh:
            yield from csv.DictReader(fh)

    bench = data / "bench"
    for row in rows(bench / "scifact/derived/corpus.jsonl"):
        for s in row["abstract"]:
            take(s)
    for v in rows(bench / "checkthat2022-task2a-en/vclaims.jsonl"):
        take(v["vclaim"])
        take(v.get("subtitle") or "")
    for row in rows(bench / "climate-fever/climate-fever.jsonl"):
        for e in row["evidences"]:
            take(e["evidence"])
    for name in ("healthver_dev.csv", "healthver_test.csv"):
        for row in table(bench / "healthver" / name):
            take(row["evidence"])
    for row in rows(bench / "check-covid/corpus.json"):
        for s in row["abstract"]:
            take(s)
    for name in ("dev.jsonl", "test.jsonl"):
        for row in rows(bench / "fool-me-twice" / name):
            for e in row.get("gold_evidence", []) + row.get("retrieved_evidence", []):
                take(e["text"])
    for row in rows(data / "nli/combined/pairs.jsonl"):
        take(row["premise"])
    # Beyond the first versions: more sets, for the 1M collection.
    for row in rows(data / "nli/combined/pairs.jsonl"):
        take(row["hypothesis"])
    for name in ("dev.jsonl", "test.jsonl"):
        for row in rows(bench / "wice" / name):
            take(row["claim"])
            for e in row["evidence"]:
                take(e)
    for row in rows(bench / "scifact/derived/beir_corpus.jsonl"):
        take(row.get("title") or "")
    for row in rows(bench / "covid-fact/COVIDFACT_dataset.jsonl"):
        take(row.get("claim") or "")
        for e in row.get("evidence") or []:
            take(e)
    for name in ("valid.csv", "test.csv"):
        for row in table(bench / "liar2" / name):
            take(row["statement"])
            for s in (row.get("justification") or "").split(". "):
                take(s)
    for v in rows(bench / "checkthat-task2b-en-politifact/vclaims.jsonl"):
        for value in v.values():
            if isinstance(value, str):
                take(value)
    texts = list(out)
    if limit is not None and len(texts) < limit:
        raise SystemExit(f"only {len(texts)} distinct sentences in {data}; ask for fewer")
    return texts[:limit] if limit is not None else texts


MULTI_PASSAGES = 1.6  # passages per four-sentence document at the default passage length (1.67 measured)


def collection(texts: list[str], size: int) -> list[str]:
    """Document texts for a collection of at least about size passages. Up to len(texts), one distinct sentence
    each (the 10k and 100k collections). Beyond that, rounds of four-sentence documents: round r takes the
    sentences in an order shuffled with seed r, so each document is distinct real text and each sentence
    recurs once per round, among new neighbours."""
    docs = texts[:size]
    singles = len(docs)

    def enough() -> bool:
        return singles + MULTI_PASSAGES * (len(docs) - singles) >= size

    r = 0
    while not enough():
        r += 1
        order = np.random.default_rng(r).permutation(len(texts))
        for at in range(0, len(order) - 3, 4):
            if enough():
                break
            docs.append(" ".join(texts[i] for i in order[at:at + 4]))
    return docs


def queries(data: Path) -> list[str]:
    qs = [json.loads(line)["text"] for line in (data / "bench/scifact/beir/queries.jsonl").open(encoding="utf-8")][:100]
    tweets = (data / "bench/checkthat2022-task2a-en/test_TEST.tsv").read_text(encoding="utf-8").splitlines()
    return qs + [t.split("\t", 1)[1] for t in tweets[:100]]


def percentiles(times: list[float]) -> dict[str, float]:
    times = sorted(times)
    return {"p50": round(statistics.median(times), 2), "p95": round(times[int(len(times) * 0.95)], 2)}


def bm25s_latency(texts: list[str], queries: list[str]) -> dict[str, Any]:
    """The peer baseline: bm25s (English stopwords, Snowball stemmer) top-10 latency over the same passages, with
    its fastest backend (numba, when installed: compiled once before the timings)."""
    import bm25s
    import Stemmer

    try:
        import numba

        backend, versions = "numba", {"numba": numba.__version__}
    except ImportError:
        backend, versions = "numpy", {}
    stemmer = Stemmer.Stemmer("english")
    t = time.perf_counter()
    retriever = bm25s.BM25(backend=backend)
    retriever.index(bm25s.tokenize(texts, stopwords="en", stemmer=stemmer, show_progress=False), show_progress=False)
    index_s = time.perf_counter() - t

    def retrieve(q: str) -> None:
        retriever.retrieve(bm25s.tokenize([q], stopwords="en", stemmer=stemmer, show_progress=False), k=10,
                           show_progress=False, backend_selection=backend, n_threads=1)

    t = time.perf_counter()
    retrieve(queries[0])  # numba compiles here
    first_ms = (time.perf_counter() - t) * 1000
    times = []
    for q in queries:
        t = time.perf_counter()
        retrieve(q)
        times.append((time.perf_counter() - t) * 1000)
    return percentiles(times) | {"index_s": round(index_s, 1), "first_query_ms": round(first_ms, 1),
                                 "backend": backend, "bm25s": bm25s.__version__, **versions}


PART_DOCUMENTS = 20_000


class StandIn:
    """Stand-in vectors: a unit vector drawn from a seed hashed from the text. For timing search on a large
    store where embedding every sentence is out of reach on this CPU: a brute-force scan costs the same
    whatever the values, so dense latencies are real, and lexical search is untouched. Relevance is not."""

    name = "stand-in (hashed random unit vectors)"
    dimension = 384

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        for i, t in enumerate(texts):
            seed = int.from_bytes(hashlib.blake2b(t.encode("utf-8"), digest_size=8).digest(), "little")
            out[i] = np.random.default_rng(seed).standard_normal(self.dimension, dtype=np.float32)
        return out / np.linalg.norm(out, axis=1, keepdims=True)


class TorchMiniLM:
    """all-MiniLM-L6-v2 on a GPU through torch (the weights of the shipped model, upstream fp32 or the fp16
    copy training/ keeps), mean pooled and normalised like the shipped embedder. Only for building large
    benchmark collections on a GPU machine; veracity itself never needs torch."""

    name = "all-MiniLM-L6-v2-torch"
    dimension = 384

    def __init__(self, folder: str, batch_size: int = 512) -> None:
        import torch
        from transformers import AutoModel, AutoTokenizer

        self.torch, self.batch_size = torch, batch_size
        self.device = "cuda" if torch.cuda.is_available() else "cpu"
        self.tokenizer = AutoTokenizer.from_pretrained(folder)
        dtype = torch.float16 if self.device == "cuda" else torch.float32
        self.model = AutoModel.from_pretrained(folder, torch_dtype=dtype).to(self.device).eval()

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        with self.torch.inference_mode():
            for start in range(0, len(order), self.batch_size):
                rows = order[start:start + self.batch_size]
                batch = self.tokenizer([texts[i] for i in rows], padding=True, truncation=True, max_length=256,
                                       return_tensors="pt").to(self.device)
                hidden = self.model(**batch).last_hidden_state.float()
                mask = batch["attention_mask"].unsqueeze(-1).float()
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                out[rows] = self.torch.nn.functional.normalize(pooled, dim=1).cpu().numpy()
        return out


def measure(texts: list[str], qs: list[str], work: Path, build: bool = True, embedder: str = "minilm",
            pin: set[int] | None = None) -> dict:
    from veracity.engine import Engine
    from veracity.search import hybrid
    from veracity.settings import Settings

    db = work / f"scale-{len(texts)}.db"
    engine = Engine(Settings.load(db=db, embedder=embedder))
    built = time.perf_counter()
    done = work / f"scale-{len(texts)}.built"  # written once every document went in; a rerun then skips ingest
    if build and not done.exists():
        sources = []
        for part, at in enumerate(range(0, len(texts), PART_DOCUMENTS)):  # files stay under max_file_bytes
            sources.append(work / f"scale-{len(texts)}-{part:03d}.jsonl")
            with sources[-1].open("w", encoding="utf-8") as fh:
                for i, t in enumerate(texts[at:at + PART_DOCUMENTS], at):
                    fh.write(json.dumps({"title": f"s{i}", "url": f"scale:{i}", "text": t}) + "\n")
        summary = engine.ingest(sources)
        if engine.store.counts()["documents"] < 0.99 * len(texts):  # a few texts are all boilerplate: fine
            raise SystemExit(f"the store holds too few documents; skipped: {summary.skipped[:3]}")
        done.touch()
    build_s = time.perf_counter() - built
    counts = engine.store.counts()
    texts = texts[:counts["documents"]] if not build else texts  # bm25s indexes what the store holds
    vectors = engine.embedder.embed(qs)
    if pin:
        os.sched_setaffinity(0, pin)
    result = {"passages": counts["passages"], "documents": counts["documents"], "build_s": round(build_s, 1),
              "store_mb": round(db.stat().st_size / 1e6, 1), "embedder": engine.embedder.name,
              "vector_search": "exact brute force (numpy, fp32)",
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

    result["bm25s_baseline_ms"] = bm25s_latency(texts, qs)
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


class _Given:
    """The embedder of a search whose vector is given (query embedding is left out of the timings)."""

    name = "given"
    dimension = 384

    def embed(self, texts: list[str]) -> np.ndarray:
        raise AssertionError("the query vector is given")


def peak_rss_mb() -> float:
    """This process's peak resident set (VmHWM: ru_maxrss would carry the parent's over fork and exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def child(kind: str, target: str, qfile: Path, vfile: Path, recall_queries: int) -> dict[str, Any]:
    """One system's measurements, in a process of its own (see --stores)."""
    from veracity.search import hybrid

    qs = json.loads(qfile.read_text())
    vectors = np.load(vfile)
    if kind == "bm25s":
        from veracity.store.sqlite import SqliteStore

        lite = SqliteStore(target, create=False, index_min=10**12, lexical_min=10**12)
        texts = [f"{r[0]} {r[1]}" for r in lite.db.execute("SELECT d.title, p.text FROM passages p JOIN documents d "
                                                           "ON d.id = p.document_id ORDER BY p.id")]
        lite.close()
        out = {"lexical_ms": bm25s_latency(texts, qs)}
        return out | {"peak_rss_mb": peak_rss_mb()}
    started = time.perf_counter()
    store: Any
    if kind == "sqlite":
        from veracity.store.sqlite import SqliteStore

        store = SqliteStore(target, create=False)
    else:
        from veracity.store.postgres import PostgresStore

        store = PostgresStore(target, create=False)
    given = _Given()
    hybrid(store, given, qs[0], 10, vector=vectors[0])
    out: dict[str, Any] = {"first_search_s": round(time.perf_counter() - started, 3)}
    times = []
    for q in qs:  # the store's own call, as bm25s's retrieve is timed (hybrid below also reads the passages)
        t = time.perf_counter()
        store.lexical(q, 10)
        times.append((time.perf_counter() - t) * 1000)
    out["lexical_call_ms"] = percentiles(times)
    for mode in ("lexical", "dense", "hybrid"):
        times = []
        for q, v in zip(qs, vectors):
            t = time.perf_counter()
            hybrid(store, given, q, 10, mode=mode, vector=v)
            times.append((time.perf_counter() - t) * 1000)
        out[f"{mode}_ms"] = percentiles(times)
    out["peak_rss_mb"] = peak_rss_mb()  # before the exact scans below
    strict = []
    for v in vectors[:recall_queries]:
        truth = {pid for pid, _ in store.dense(v, 10, exact=True)}
        strict.append(len({pid for pid, _ in store.dense(v, 10)} & truth) / max(len(truth), 1))
    out["recall_at_10"] = round(float(np.mean(strict)), 4)
    out["recall_queries"] = len(strict)
    if kind == "sqlite":
        overlap = []
        for q in qs:
            full = [pid for pid, _ in store.lexical(q, 10, exhaustive=True)]
            if full:
                overlap.append(len({pid for pid, _ in store.lexical(q, 10)} & set(full)) / len(full))
        out["lexical_overlap_at_10_with_fts5"] = round(float(np.mean(overlap)), 4)
        files = [Path(target), Path(f"{target}-vectors.usearch")]
        folder = Path(f"{target}-lexical.tantivy")
        sizes = {"store_mb": files[0].stat().st_size, "vectors_graph_mb": files[1].stat().st_size,
                 "lexical_index_mb": sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())}
        out |= {k: round(v / 1e6, 1) for k, v in sizes.items()} | {"on_disk_mb": round(sum(sizes.values()) / 1e6, 1)}
        out["indexes"] = {"vectors": "usearch HNSW, int8, cosine over the vectors less their mean",
                          "lexical": "tantivy BM25 (en_stem)"}
    else:
        import psutil

        with store._db() as db:
            size, pids = db.execute("SELECT pg_database_size(current_database())").fetchone()[0], [
                r[0] for r in db.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")]
        uss = 0
        for pid in pids:
            with suppress(psutil.Error, OSError):  # a backend that ended meanwhile
                uss += psutil.Process(pid).memory_full_info().uss
        out |= {"on_disk_mb": round(size / 1e6, 1), "server_backends_uss_mb": round(uss / 1e6, 1),
                "ef_search": store.ef_search}
    store.close()
    return out


VECTORS = {"static": "static MiniLM token vectors, mean pooled (benchmarks/pg_scale.py)",
           "minilm": "the shipped MiniLM embedder (real vectors)"}


def stores(args: argparse.Namespace, size: int) -> dict[str, Any]:
    """--stores at one size: build (or reuse) the collection, build the SQLite store's indexes, then measure
    each system in a child process."""
    import subprocess

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    import pg_scale

    from veracity.store import postgres_migrations
    from veracity.store.sqlite import SqliteStore
    from veracity.store.sqlite_lexical import index_path
    from veracity.store.sqlite_vectors import graph_path

    info = pg_scale.build(size, args.data, args.work, args.texts, args.vectors, postgres_migrations.HNSW_M,
                          postgres_migrations.HNSW_EF_CONSTRUCTION, index="postgres" in args.systems)
    server = info.pop("server")
    uri = server.uri(info["db"])
    lite = str(args.work / f"scale-{size}-{args.vectors}.db")
    qs = pg_scale.queries(args.data, args.queries)
    qfile, vfile = args.work / "queries.json", args.work / f"queries-{size}-{args.vectors}.npy"
    qfile.write_text(json.dumps(qs))
    np.save(vfile, pg_scale.stand_in(args.vectors, args.work).embed(qs))
    # the SQLite store's indexes, built from the loaded store (a store upgraded by m008 builds them on open)
    built: dict[str, Any] = {}
    if "sqlite" in args.systems and (not graph_path(lite).exists() or not index_path(lite).exists()):
        store = SqliteStore(lite, create=False, index_min=10**12, lexical_min=10**12)
        built["vectors"] = store.vectors.build(fold=False)
        store.words.index_min = 0
        t = time.perf_counter()
        store.words.maintain()
        built["lexical_s"] = round(time.perf_counter() - t, 1)
        store.close()
    result: dict[str, Any] = {"passages": info["passages"], "documents": info["documents"],
                              "vectors": VECTORS[args.vectors],
                              "queries": len(qs), "bulk_build": info.get("timings"), "sqlite_index_build": built}
    for kind, target in (("sqlite", lite), ("postgres", uri), ("bm25s", lite)):
        if kind not in args.systems:
            continue
        out = args.work / f"child-{kind}-{size}.json"
        cmd = [sys.executable, __file__, "--child", kind, "--target", target, "--qfile", str(qfile), "--vfile",
               str(vfile), "--recall-queries", str(args.recall_queries), "--child-out", str(out)]
        subprocess.run(cmd, check=True, timeout=3600)
        result[kind] = json.loads(out.read_text())
        print(kind, json.dumps(result[kind]), flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--work", type=Path, default=Path("/tmp/veracity-scale"))
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--synthetic", type=int, nargs="*", default=[100_000, 1_000_000])
    parser.add_argument("--texts", type=Path, help="read the sentences from this file (one a line, .xz allowed, "
                        "as --dump-texts writes them) instead of --data")
    parser.add_argument("--dump-texts", type=Path, help="write the sentences read from --data to this file and stop")
    parser.add_argument("--queries", type=Path, help="read the queries from this file (one a line) instead of --data")
    parser.add_argument("--torch-model", type=Path, help="build and search with all-MiniLM-L6-v2 through torch "
                        "(on a GPU when there is one) from this folder, instead of the shipped ONNX embedder")
    parser.add_argument("--stand-in-vectors", action="store_true", help="build and search with stand-in vectors "
                        "(hashed random unit vectors): for timing a collection too large to embed on this machine")
    parser.add_argument("--pin-cores", help="measure on these CPU cores only, e.g. 0,1 (the build may use all)")
    parser.add_argument("--no-build", action="store_true",
                        help="measure the stores in --work as they are (an interrupted build), without ingesting more")
    parser.add_argument("--stores", action="store_true", help="the SQLite store (with its indexes), the "
                        "PostgreSQL store and bm25s side by side on pg_scale.py's collection (see the doc)")
    parser.add_argument("--recall-queries", type=int, default=100, help="--stores: queries for recall@10")
    parser.add_argument("--vectors", choices=tuple(VECTORS), default="static", help="--stores: the collection's "
                        "vectors: static (MiniLM's token vectors, mean pooled: any size) or minilm (the shipped "
                        "embedder: real vectors, about 100 passages/s on this CPU)")
    parser.add_argument("--systems", nargs="+", choices=("sqlite", "postgres", "bm25s"),
                        default=["sqlite", "postgres", "bm25s"], help="--stores: measure these only, on the same "
                        "collection (a size's results for the others are kept); without postgres, its HNSW index "
                        "is not built")
    parser.add_argument("--child", choices=("sqlite", "postgres", "bm25s"), help=argparse.SUPPRESS)
    parser.add_argument("--target", help=argparse.SUPPRESS)
    parser.add_argument("--qfile", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--vfile", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child-out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    if args.child:
        args.child_out.write_text(json.dumps(child(args.child, args.target, args.qfile, args.vfile,
                                                   args.recall_queries)))
        return
    if args.stores:
        import bm25s

        path = args.out / "search_scale_stores.json"
        result = json.loads(path.read_text()) if path.exists() else {}
        result |= {"machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
                   "note": "query embedding excluded from latencies; each system measured in its own process",
                   "bm25s": bm25s.__version__}
        for size in sorted(args.sizes):
            sizes = result.setdefault("sizes", {})
            measured = stores(args, size)
            key = str(size) if args.vectors == "static" else f"{size}-{args.vectors}"
            kept = sizes.get(key, {})
            if measured["sqlite_index_build"] == {} and "sqlite" not in args.systems:
                measured.pop("sqlite_index_build")  # not built in this run: the earlier run's figures stay
            sizes[key] = kept | measured
            args.out.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(result, indent=2) + "\n")
        print(json.dumps(result, indent=2))
        return
    from data import require

    if not (args.texts and args.queries):  # the sentences and the queries come from --data
        require(args.data, ("bench", "nli/combined/pairs.jsonl", "bench/scifact/beir/queries.jsonl",
                            "bench/checkthat2022-task2a-en/test_TEST.tsv"), "search_scale.py")
    args.work.mkdir(parents=True, exist_ok=True)
    if args.dump_texts:
        args.dump_texts.write_text("\n".join(sentences(args.data)) + "\n", encoding="utf-8")
        if args.queries:
            args.queries.write_text("\n".join(q.replace("\n", " ") for q in queries(args.data)) + "\n",
                                    encoding="utf-8")
        return
    if args.texts:
        opener = lzma.open if args.texts.suffix == ".xz" else open
        with opener(args.texts, "rt", encoding="utf-8") as fh:
            texts = [line.rstrip("\n") for line in fh if line.strip()]
    else:
        texts = sentences(args.data)
    qs = args.queries.read_text(encoding="utf-8").splitlines() if args.queries else queries(args.data)
    from veracity.plugins import registry

    embedder = "minilm"
    if args.torch_model:
        registry().add("embedder", "minilm-torch", lambda: TorchMiniLM(str(args.torch_model)))
        embedder = "minilm-torch"
    if args.stand_in_vectors:
        registry().add("embedder", "stand-in", StandIn)
        embedder = "stand-in"
    pin = {int(c) for c in args.pin_cores.split(",")} if args.pin_cores else None
    result = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
              "queries": len(qs), "note": "query embedding excluded from latencies", "sizes": {}}
    for size in sorted(args.sizes):
        measured = measure(collection(texts, size), qs, args.work, build=not args.no_build, embedder=embedder, pin=pin)
        result["sizes"][str(measured["passages"])] = measured | {"target_size": size}
        print(json.dumps(measured), flush=True)
    if args.synthetic:
        result["synthetic_dense"] = [synthetic_dense(n) for n in args.synthetic]
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "search_scale.json"
    if path.exists():  # a run for some sizes updates those and keeps the others
        kept = json.loads(path.read_text())
        result = kept | result | {"sizes": kept.get("sizes", {}) | result["sizes"]}
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
