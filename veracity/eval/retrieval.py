"""Retrieval suites: BEIR-SciFact (nDCG@10, recall@100) and CheckThat! 2022 task 2A (MAP@5).

The corpus is ingested into a real veracity store (the same ingest a user runs, kept in the work folder and
reused), then every query is searched lexical only, dense only and hybrid, through veracity.search.hybrid.
Passages are ranked; a document ranks where its best passage does. An independent BM25 library (bm25s)
runs over the same documents in the same run as the baseline.
"""

from __future__ import annotations

import json
import math
import random
import statistics
import time
from dataclasses import dataclass
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from ..types import Hit
from .base import Metric, SuiteResult, files_sha256, jsonl, need, suite

if TYPE_CHECKING:
    from ..engine import Engine

Rankings = dict[str, list[str]]
Qrels = dict[str, dict[str, int]]

MODES = ("lexical", "dense", "hybrid")


@dataclass(frozen=True)
class Collection:
    name: str
    docs: dict[str, tuple[str, str]]  # corpus id -> (title, text)
    queries: dict[str, str]
    qrels: dict[str, dict[str, int]]
    files: tuple[Path, ...]


def scifact(data: Path) -> Collection:
    base = data / "scifact"
    files = (base / "derived/beir_corpus.jsonl", base / "beir/queries.jsonl", base / "beir/qrels/test.tsv")
    need(files, "BEIR-SciFact")
    docs = {d["_id"]: (d["title"], f"{d['title']}\n\n{d['text']}") for d in jsonl(files[0])}
    qrels: dict[str, dict[str, int]] = {}
    for line in files[2].read_text(encoding="utf-8").splitlines()[1:]:
        qid, did, rel = line.split("\t")
        qrels.setdefault(qid, {})[did] = int(rel)
    queries = {q["_id"]: q["text"] for q in jsonl(files[1]) if q["_id"] in qrels}
    return Collection("scifact", docs, queries, qrels, files)


def checkthat(data: Path) -> Collection:
    base = data / "checkthat2022-task2a-en"
    files = (base / "vclaims.jsonl", base / "test_TEST.tsv", base / "CT2022-Task2A-EN-Test_Qrels_gold.tsv")
    need(files, "CheckThat! 2022 task 2A")
    docs = {v["vclaim_id"]: (v["title"], f"{v['title']}. {v['vclaim']}") for v in jsonl(files[0])}
    queries = dict(line.split("\t", 1) for line in files[1].read_text(encoding="utf-8").splitlines() if line.strip())
    qrels: dict[str, dict[str, int]] = {}
    for line in files[2].read_text(encoding="utf-8").splitlines():
        qid, _, did, rel = line.split("\t")
        if int(rel) > 0:
            qrels.setdefault(qid, {})[did] = int(rel)
    return Collection("checkthat2a", docs, {q: t for q, t in queries.items() if q in qrels}, qrels, files)


def quick_subset(c: Collection, queries: int, corpus: int) -> Collection:
    """A fixed sample: some queries, their relevant documents, and random other documents."""
    rng = random.Random(0)
    qids = sorted(rng.sample(sorted(c.queries), min(queries, len(c.queries))))
    keep = {d for q in qids for d in c.qrels[q] if d in c.docs}
    others = sorted(set(c.docs) - keep)
    keep |= set(rng.sample(others, max(0, min(corpus - len(keep), len(others)))))
    return Collection(c.name, {d: c.docs[d] for d in sorted(keep)}, {q: c.queries[q] for q in qids},
                      {q: c.qrels[q] for q in qids}, c.files)


def ndcg_at(ranked: list[str], relevant: dict[str, int], k: int = 10) -> float:
    dcg = sum(relevant.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sum(r / math.log2(i + 2) for i, r in enumerate(sorted(relevant.values(), reverse=True)[:k]))
    return dcg / ideal if ideal else 0.0


def recall_at(ranked: list[str], relevant: dict[str, int], k: int = 100) -> float:
    return len(set(ranked[:k]) & set(relevant)) / len(relevant) if relevant else 0.0


def average_precision_at(ranked: list[str], relevant: dict[str, int], k: int = 5) -> float:
    hits, total = 0, 0.0
    for i, d in enumerate(ranked[:k]):
        if d in relevant:
            hits += 1
            total += hits / (i + 1)
    return total / min(len(relevant), k) if relevant else 0.0


def build_store(c: Collection, path: Path) -> Engine:
    """The collection in a veracity store at path; an interrupted build resumes (ingest skips what it has)."""
    from ..engine import Engine
    from ..settings import Settings

    path.parent.mkdir(parents=True, exist_ok=True)
    engine = Engine(Settings.load(db=path))
    if engine.store.counts()["documents"] < len(c.docs):
        source = path.with_suffix(".jsonl")
        with source.open("w", encoding="utf-8") as fh:
            for did, (title, text) in c.docs.items():
                fh.write(json.dumps({"title": title, "url": f"{c.name}:{did}", "text": text}) + "\n")
        engine.ingest([source])
    return engine


def document_ranking(hits: Iterable[Hit], prefix: str) -> list[str]:
    ranked: list[str] = []
    seen: set[str] = set()
    for h in hits:
        did = h.document.location[len(prefix):]
        if did not in seen:
            seen.add(did)
            ranked.append(did)
    return ranked


def bm25_baseline(c: Collection, k: int) -> tuple[dict[str, list[str]], list[float]]:
    import bm25s
    import Stemmer

    ids = list(c.docs)
    stemmer = Stemmer.Stemmer("english")
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize([c.docs[d][1] for d in ids], stopwords="en", stemmer=stemmer, show_progress=False),
                    show_progress=False)
    rankings, latencies = {}, []
    for qid, text in c.queries.items():
        started = time.perf_counter()
        tokens = bm25s.tokenize([text], stopwords="en", stemmer=stemmer, show_progress=False)
        found, _ = retriever.retrieve(tokens, k=min(k, len(ids)), show_progress=False)
        latencies.append((time.perf_counter() - started) * 1000)
        rankings[qid] = [ids[i] for i in found[0]]
    return rankings, latencies


def evaluate(c: Collection, work: Path, *, quick: bool, metrics_for: Callable[[Rankings, Qrels], dict[str, float]],
             references: dict[tuple[str, str], tuple[float, str, float]]) -> list[SuiteResult]:
    started = time.perf_counter()
    engine = build_store(c, work / f"{c.name}{'-quick' if quick else ''}.db")
    passages = engine.store.counts()["passages"]
    runs: dict[str, tuple[dict[str, list[str]], list[float]]] = {}
    vectors = dict(zip(c.queries, engine.embedder.embed(list(c.queries.values()))))
    from ..search import hybrid

    for mode in MODES:
        rankings, latencies = {}, []
        for qid, text in c.queries.items():
            t = time.perf_counter()
            hits = hybrid(engine.store, engine.embedder, text, 300, mode=mode, vector=vectors[qid])
            latencies.append((time.perf_counter() - t) * 1000)
            rankings[qid] = document_ranking(hits, f"{c.name}:")
        runs[f"veracity {mode}"] = (rankings, latencies)
    runs["bm25s baseline"] = bm25_baseline(c, 100)
    results = []
    for system, (rankings, latencies) in runs.items():
        values = metrics_for(rankings, c.qrels)
        metrics = [Metric(name, round(value, 4), *references.get((system, name), (None, "", None)))
                   for name, value in values.items()]
        metrics.append(Metric("search_p50_ms", round(statistics.median(latencies), 2), lower_is_better=True))
        results.append(SuiteResult(
            suite="retrieval", dataset=f"{c.name} / {system}", rows=len(c.queries), quick=quick,
            seconds=round(time.perf_counter() - started, 1), metrics=tuple(metrics), data_sha256=files_sha256(list(c.files)),
            notes=f"{len(c.docs)} documents, {passages} passages" if system == "veracity hybrid" else ""))
    return results


def scifact_metrics(rankings: Rankings, qrels: Qrels) -> dict[str, float]:
    return {"ndcg@10": statistics.mean(ndcg_at(rankings[q], qrels[q]) for q in rankings),
            "recall@100": statistics.mean(recall_at(rankings[q], qrels[q]) for q in rankings)}


def checkthat_metrics(rankings: Rankings, qrels: Qrels) -> dict[str, float]:
    return {"map@5": statistics.mean(average_precision_at(rankings[q], qrels[q]) for q in rankings)}


SCIFACT_REFERENCES = {("veracity hybrid", "ndcg@10"): (0.665, "BM25 in BEIR; SPLADE 0.699", 0.70)}
CHECKTHAT_REFERENCES = {("veracity hybrid", "map@5"): (0.818, "official CheckThat! 2022 baseline", 0.90)}


def default_work() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("veracity")) / "eval"


@suite("retrieval")
def retrieval_suite(data: Path, *, quick: bool = False, work: Path | None = None,
                    only: tuple[str, ...] = ()) -> list[SuiteResult]:
    work = work or default_work()
    plan = {"scifact": (scifact, (100, 800), scifact_metrics, SCIFACT_REFERENCES),
            "checkthat2a": (checkthat, (208, 2000), checkthat_metrics, CHECKTHAT_REFERENCES)}
    results = []
    for name, (load, sizes, metrics_for, references) in plan.items():
        if only and name not in only:
            continue
        collection = load(data)
        if quick:
            collection = quick_subset(collection, *sizes)
        results += evaluate(collection, work, quick=quick, metrics_for=metrics_for, references=references)
    return results
