"""Web sources on loopback: fetch + extract + store of 10 pages, a web check of 10 pages end to end (warm),
and the peak memory while reading a 20 MB PDF. Needs no data: the pages come from tests/web_server.py, run in
its own process on 127.0.0.1 (so its time is not counted as veracity's), and nothing else is contacted.

Usage: python benchmarks/web_bench.py [--out benchmarks/results] [--repeat 3]
Writes OUT/web_bench.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
QUESTION = "Did Chicago cooperate with ICE?"


def serve() -> tuple[subprocess.Popen[str], int]:
    proc = subprocess.Popen([sys.executable, str(ROOT / "tests" / "web_server.py")], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    return proc, int(proc.stdout.readline())


def settings(db: Path, port: int, **extra: object):  # type: ignore[no-untyped-def]
    from veracity.settings import Settings

    values: dict[str, object] = dict(db=db, search_provider="searxng", web_allow_hosts=(f"127.0.0.1:{port}",),
                                     web_timeout_s=10.0, web_max_results=10, web_cache_hours=0.0)
    values.update(extra)
    return Settings.load(**values)


def rss_mb() -> float:
    """Peak resident memory of this process so far (VmHWM: unlike ru_maxrss it does not carry over from the
    parent that started this process)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def pdf_child(port: int) -> None:
    """In a fresh process: peak RSS before and after fetching and reading the 20 MB PDF."""
    from veracity.sources.base import Page
    from veracity.sources.fetch import HttpxFetcher
    from veracity.sources.web import fetch_pages

    fetcher = HttpxFetcher(timeout_s=120, max_bytes=30_000_000, allow_hosts=[f"127.0.0.1:{port}"])
    fetch_pages(fetcher, [f"http://127.0.0.1:{port}/report.pdf"])  # imports and first use, before the baseline
    before = rss_mb()
    t = time.perf_counter()
    page = fetch_pages(fetcher, [f"http://127.0.0.1:{port}/big.pdf"])[0]
    seconds = time.perf_counter() - t
    assert isinstance(page, Page), page
    print(json.dumps({"peak_rss_mb_before": before, "peak_rss_mb": rss_mb(), "seconds": round(seconds, 2),
                      "text_chars": len(page.text), "pages_text_found": page.text.count("of the long report")}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pdf-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.pdf_child:
        return pdf_child(args.pdf_child)
    from veracity.engine import Engine
    from veracity.ingest.chunk import chunk
    from veracity.sources.web import Gathering, parts_for, read_pages
    from veracity.text import clean_text

    proc, port = serve()
    base = f"http://127.0.0.1:{port}"
    results: dict[str, object] = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
                                             f"{platform.python_version()}", "pages": 10,
                                  "load_average_at_start": os.getloadavg()[0]}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            # 1. fetch + extract + store 10 pages (fresh pages each round; models loaded by a warm-up round)
            engine = Engine(settings(Path(tmp) / "pages.db", port))
            parts = parts_for(engine.store, engine.embedder, engine.settings, search=False)
            read_pages(parts, [f"{base}/bench/warm/{n}.html" for n in range(10)], True,
                       Gathering("", False, (), ()))
            rounds, fetch_only, cpu, sentences = [], [], [], 0
            fetcher = parts.fetcher
            for r in range(args.repeat):
                t = time.perf_counter()
                pages = fetcher.fetch([f"{base}/bench/f{r}/{n}.html" for n in range(10)])
                fetch_only.append(time.perf_counter() - t)
                gathering = Gathering("", False, (), ())
                t, c = time.perf_counter(), time.process_time()
                read_pages(parts, [f"{base}/bench/r{r}/{n}.html" for n in range(10)], True, gathering)
                rounds.append(time.perf_counter() - t)
                cpu.append(time.process_time() - c)
                assert gathering.pages_read == 10, gathering.failures
            sentences = sum(len(chunk(clean_text(p.text), engine.settings.passage_chars)) for p in pages)
            t = time.perf_counter()
            engine.embedder.embed([s for p in pages for c in chunk(clean_text(p.text), engine.settings.passage_chars)
                                   for s in (clean_text(p.text)[x.start:x.end] for x in c.sentences)])
            embed_s = time.perf_counter() - t
            results["fetch_extract_store_10_pages_s"] = {
                "median": round(statistics.median(rounds), 3), "all": [round(x, 3) for x in rounds], "target": 3.0,
                "cpu_s_median": round(statistics.median(cpu), 3),
                "fetch_and_extract_only_median": round(statistics.median(fetch_only), 3),
                "embedding_the_10_pages_alone": round(embed_s, 3), "passages": sentences}
            engine.close()
            # 2. web check end to end, warm (models loaded): search, fetch, extract, store, then the pipeline
            engine = Engine(settings(Path(tmp) / "check.db", port, searxng_url=f"{base}/bench/warmcheck"))
            engine.check(QUESTION, web="only")
            rounds, cpu, stages = [], [], {}
            for r in range(args.repeat):
                engine.settings = settings(Path(tmp) / "check.db", port, searxng_url=f"{base}/bench/c{r}")
                t, c = time.perf_counter(), time.process_time()
                report = engine.check(QUESTION, web="only")
                rounds.append(time.perf_counter() - t)
                cpu.append(time.process_time() - c)
                assert report.web is not None and report.web.pages_read == 10 and report.sources
                stages = report.timings_ms
            results["web_check_10_pages_warm_s"] = {"median": round(statistics.median(rounds), 3),
                                                    "all": [round(x, 3) for x in rounds], "target": 5.0,
                                                    "cpu_s_median": round(statistics.median(cpu), 3),
                                                    "pipeline_stages_ms_last": stages}
            engine.close()
        # 3. peak RSS while reading a 20 MB PDF, in its own process
        child = subprocess.run([sys.executable, __file__, "--pdf-child", str(port)], capture_output=True, text=True,
                               check=True)
        results["pdf_20mb"] = json.loads(child.stdout.strip().splitlines()[-1])
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(10)
    results["load_average_at_end"] = os.getloadavg()[0]
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "web_bench.json").write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
