"""Performance benchmark: ingest throughput, search latency, check latency (cold and warm), footprint.

Usage: python benchmarks/bench.py [--data ../shared/data] [--out benchmarks/results] [--docs 600]
Writes OUT/bench.json. Without the benchmark data at --data (a fresh checkout has none) it says so in one line
and measures on the small fixtures bundled in tests/fixtures/eval instead (Check-COVID abstracts, CheckThat!
claims, FEVER claims as queries; no web pages), writing OUT/bench-fixtures.json: those figures are not
comparable with bench.json's. The search collection is built from SciFact abstracts (the first --docs of the corpus,
ingested through veracity's own pipeline and embedder).

Ingest is measured on three kinds of text: SciFact abstracts, web pages (the pages WiCE claims cite, as
crawled), and one-sentence Snopes claims. Two more figures say where ingest time goes: the embedder alone
(tokens per second over the sentences ingest embeds) and the same abstracts ingested with stand-in vectors
(everything but the model: extraction, splitting, chunking, dedupe, SQLite and FTS5 writes).
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "Did Chicago cooperate with ICE?"


def folder_mb(path: Path) -> float:
    return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6, 1)


def write_jsonl(path: Path, records) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def timed_ingest(db: Path, source: Path, embedder: str | None = None):
    """(engine, IngestSummary, seconds) for one ingest of source into a new store at db."""
    from veracity.engine import Engine
    from veracity.settings import Settings

    engine = Engine(Settings.load(db=db, embedder=embedder))
    started = time.perf_counter()
    summary = engine.ingest([source])
    return engine, summary, time.perf_counter() - started


def rates(summary, seconds: float) -> dict:
    return {"documents": summary.added, "passages": summary.passages, "seconds": round(seconds, 1),
            "passages_per_s": round(summary.passages / seconds, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared/data")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results")
    parser.add_argument("--docs", type=int, default=600)
    parser.add_argument("--pages", type=int, default=60, help="WiCE web pages to ingest")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from data import bench_data

    data = bench_data(args.data, args.docs, args.pages)
    if data.pages == [] and data.source.startswith("bundled"):
        print(f"bench.py: measuring on the {data.source}; writing {args.out / 'bench-fixtures.json'}",
              file=sys.stderr)
    from veracity.engine import Engine
    from veracity.settings import Settings

    work = Path(tempfile.mkdtemp())
    result: dict = {"machine": f"{platform.machine()}, {__import__('os').cpu_count()} cores, Python {platform.python_version()}",
                    "data": data.source}

    # check, cold: a new process ingests nothing and runs one check on the demo collection
    demo_db = work / "demo.db"
    started = time.perf_counter()
    engine = Engine(Settings.load(db=demo_db))
    summary = engine.ingest([ROOT / "examples"])
    result["demo_ingest_s"] = round(time.perf_counter() - started, 2)
    result["demo_passages"] = summary.passages
    cold = []
    for _ in range(3):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "veracity.cli", "check", QUESTION, "--db", str(demo_db), "-f", "json",
                        "-o", str(work / "r.json")], check=True, capture_output=True)
        cold.append(time.perf_counter() - t)
    result["check_cold_s"] = {"median": round(statistics.median(cold), 3), "runs": [round(x, 3) for x in cold]}
    engine.check(QUESTION, save=False)
    warm = []
    for _ in range(10):
        t = time.perf_counter()
        engine.check(QUESTION, save=False)
        warm.append(time.perf_counter() - t)
    result["check_warm_s"] = {"median": round(statistics.median(warm), 3), "p95": round(sorted(warm)[-1], 3)}

    # ingest throughput on SciFact abstracts, written as a JSONL file
    rows = data.abstracts
    jsonl = write_jsonl(work / "scifact.jsonl", rows)
    runs = []
    for i in range(3):  # three fresh stores; the median run is reported (this machine varies by up to 25%)
        big, s, seconds = timed_ingest(work / f"scifact-{i}.db", jsonl)
        runs.append(seconds)
    elapsed = statistics.median(runs)
    result["ingest"] = rates(s, elapsed) | {"documents_per_s": round(s.added / elapsed, 1),
                                            "runs_s": [round(r, 1) for r in runs]}

    # where the time goes: the same abstracts with stand-in vectors (no model), then the embedder alone
    from search_scale import StandIn

    from veracity import onnx_model
    from veracity.ingest.chunk import chunk
    from veracity.plugins import registry
    from veracity.text import clean_text

    registry().add("embedder", "stand-in", StandIn)
    result["ingest_without_model"] = rates(*timed_ingest(work / "standin.db", jsonl, "stand-in")[1:])
    texts = [clean_text(r["text"]) for r in rows]
    sentences = [text[sp.start:sp.end] for text in texts for c in chunk(text, big.settings.passage_chars)
                 for sp in c.sentences]
    tokens = sum(len(e.ids) for e in onnx_model.tokenizer(big.embedder.max_length).encode_batch(sentences))
    big.embedder.embed(sentences[:32])
    times = []
    for _ in range(3):  # the best of three: a ceiling
        t = time.perf_counter()
        big.embedder.embed(sentences)
        times.append(time.perf_counter() - t)
    elapsed = min(times)
    result["embedder_alone"] = {
        "sentences": len(sentences), "tokens": tokens, "seconds": round(elapsed, 1),
        "sentences_per_s": round(len(sentences) / elapsed, 1), "tokens_per_s": round(tokens / elapsed),
        "tokens_per_passage": round(tokens / s.passages, 1),
        "passages_per_s_ceiling": round(tokens / elapsed / (tokens / s.passages), 1),
        "note": "best of 3: the most passages/s ingest can reach on these abstracts with this embedder here"}

    # ingest throughput on web pages: the pages WiCE dev claims cite (navigation and boilerplate included)
    if data.pages:
        web = write_jsonl(work / "web.jsonl", data.pages)
        result["ingest_web"] = rates(*timed_ingest(work / "web.db", web)[1:])

    # ingest throughput on short documents (CheckThat! Snopes claims: one passage each)
    short = write_jsonl(work / "claims.jsonl", data.claims)
    result["ingest_short"] = rates(*timed_ingest(work / "claims.db", short)[1:])

    # search latency over the same collection, with queries from SciFact
    queries = data.queries[:200]
    for mode in ("lexical", "dense", "hybrid"):
        big.search(queries[0], mode=mode)
        times = []
        vectors = big.embedder.embed(queries) if mode != "lexical" else None
        from veracity.search import hybrid

        for i, q in enumerate(queries):
            t = time.perf_counter()
            hybrid(big.store, big.embedder, q, 10, mode=mode, vector=None if vectors is None else vectors[i])
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        result[f"search_{mode}_ms"] = {"p50": round(times[len(times) // 2], 2), "p95": round(times[int(len(times) * .95)], 2),
                                       "passages": big.store.counts()["passages"], "note": "query embedding excluded"}
    t = time.perf_counter()
    big.embedder.embed(queries[:50])
    result["query_embedding_ms"] = round((time.perf_counter() - t) * 1000 / 50, 1)
    result["store_mb"] = round(Path(big.settings.db).stat().st_size / 1e6, 1)

    # stance model throughput at length 128: SciFact claims against the first sentences of an abstract
    from veracity.stance import MiniLMStance

    claims = data.queries[:256]
    pairs = [(c, r["text"][:900]) for c, r in zip(claims, rows)]
    lengths = [min(128, len(e.ids)) for e in onnx_model.tokenizer(128, pair=True).encode_batch(
        [(e, c) for c, e in pairs])]
    stance = MiniLMStance()
    stance.probabilities(pairs[:16])
    t = time.perf_counter()
    stance.probabilities(pairs)
    elapsed = time.perf_counter() - t
    result["stance"] = {"pairs": len(pairs), "mean_tokens": round(statistics.mean(lengths), 1),
                        "pairs_per_s": round(len(pairs) / elapsed, 1)}
    venv = ROOT / ".venv"
    if venv.exists():
        result["dev_venv_mb"] = folder_mb(venv)  # .venv with the dev and test extras (llama.cpp included);
        # the default install is measured by benchmarks/footprint.sh
    args.out.mkdir(parents=True, exist_ok=True)
    name = "bench.json" if data.pages else "bench-fixtures.json"
    (args.out / name).write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
