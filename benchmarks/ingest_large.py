"""Large-file ingest: one big text file streams in bounded memory, with progress, at the usual passages/s.

Usage: python benchmarks/ingest_large.py [--mb 100] [--model-mb 0.5] [--out benchmarks/results] [--work DIR]
Needs no data: the text is generated here (seeded, so every run writes the same file; every sentence differs,
so no part is a duplicate of another). Writes OUT/ingest_large.json.

Each run is one ingest in its own process (peak RSS is that process's ru_maxrss):
- large_file_stand_in: the whole --mb file with stand-in vectors (benchmarks/search_scale.py StandIn):
  everything ingest does except the model (reading, cleaning, splitting, chunking, dedupe, SQLite and FTS5
  writes), so the memory bound and the pipeline's own speed are measured over the full size in minutes;
- small_files_stand_in: the first --model-mb of that text cut into files of about 3 kB, the usual shape;
- head_one_file / head_small_files: the first --model-mb as one file and as files of about 3 kB, with the
  shipped embedder, one after the other on the same machine: "the usual passages/s" is the second, measured on
  the same text under the same load (the model bounds it; at tens of passages/s here 100 MB would take hours).
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

WORDS = ("river bridge council budget school hospital reservoir harbour railway station museum library police "
         "court mayor governor election festival factory market farmers drought flood storm vaccine clinic "
         "teachers students nurses workers engineers tunnel airport ferry canal dam tower park stadium").split()
VERBS = "approved rejected opened closed funded delayed repaired expanded inspected announced reported".split()


def split(source: Path, folder: Path, size: int = 3000) -> Path:
    """The text of source as files of about `size` bytes, cut between paragraphs."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.txt"):
        old.unlink()
    paragraphs = source.read_text(encoding="utf-8").split("\n\n")
    block: list[str] = []
    n = 0
    for paragraph in paragraphs:
        block.append(paragraph)
        if sum(len(p) for p in block) >= size:
            n += 1
            (folder / f"{n:06d}.txt").write_text("\n\n".join(block) + "\n", encoding="utf-8")
            block = []
    if block and "".join(block).strip():
        (folder / f"{n + 1:06d}.txt").write_text("\n\n".join(block) + "\n", encoding="utf-8")
    return folder


def generate(path: Path, megabytes: float, seed: int = 13) -> None:
    """Paragraphs of 3-6 varied sentences, blank lines between them, until the file has the size asked."""
    rng = random.Random(seed)
    target = int(megabytes * 1_000_000)
    written = 0
    with path.open("w", encoding="utf-8") as f:
        n = 0
        while written < target:
            sentences = []
            for _ in range(rng.randint(3, 6)):
                n += 1
                a, b, c = rng.sample(WORDS, 3)
                sentences.append(f"The {a} {rng.choice(VERBS)} the {b} plan number {n} on day {rng.randint(1, 28)}, "
                                 f"costing {rng.randint(1, 999)}.{rng.randint(0, 9)} million for the {c}.")
            block = " ".join(sentences) + "\n\n"
            f.write(block)
            written += len(block.encode("utf-8"))


RUNNER = """
import json, sys, time, resource
sys.path.insert(0, {bench!r})
from veracity.engine import Engine
from veracity.plugins import registry
from veracity.settings import Settings
if {standin!r}:
    from search_scale import StandIn
    registry().add("embedder", "stand-in", StandIn)
engine = Engine(Settings.load(db={db!r}, max_file_bytes=10**12, embedder="stand-in" if {standin!r} else None))
ticks = []
def progress(path, done, total):
    ticks.append((round(time.perf_counter() - started, 2), done, total))
started = time.perf_counter()
summary = engine.ingest([{source!r}], progress=progress)
seconds = time.perf_counter() - started
print(json.dumps({{"documents": summary.added, "passages": summary.passages, "skipped": summary.skipped,
                  "seconds": round(seconds, 1), "passages_per_s": round(summary.passages / seconds, 1),
                  "progress_updates": len(ticks), "first_progress_s": ticks[1][0] if len(ticks) > 1 else None,
                  "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}}))
"""


def run(source: Path, db: Path, standin: bool) -> dict:
    code = RUNNER.format(bench=str(ROOT / "benchmarks"), db=str(db), source=str(source), standin=standin)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"ingest failed: {done.stderr.strip().splitlines()[-1] if done.stderr.strip() else '?'}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["input_mb"] = round(sum(p.stat().st_size for p in ([source] if source.is_file() else source.glob("*")))
                               / 1e6, 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=100.0, help="size of the generated text file")
    parser.add_argument("--model-mb", type=float, default=0.5, help="how much of it to ingest with the real model")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results")
    parser.add_argument("--work", type=Path, default=None, help="folder for the text files and stores")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp())
    work.mkdir(parents=True, exist_ok=True)
    big, small = work / "large.txt", work / "large-head.txt"
    generate(big, args.mb)
    generate(small, args.model_mb)  # the same seed: the first --model-mb of the big file's text
    result: dict = {"machine": f"{platform.machine()}, {__import__('os').cpu_count()} cores, "
                               f"Python {platform.python_version()}",
                    "command": " ".join(["python", "benchmarks/ingest_large.py", *sys.argv[1:]])}
    folder = split(small, work / "small-files")
    result["load_average_before"] = [round(x, 2) for x in __import__("os").getloadavg()]
    for name, source, standin in (("large_file_stand_in", big, True), ("small_files_stand_in", folder, True),
                                  ("head_one_file", small, False), ("head_small_files", folder, False)):
        db = work / f"{name}.db"
        db.unlink(missing_ok=True)
        result[name] = run(source, db, standin) | {"store_mb": round(db.stat().st_size / 1e6, 1)}
        print(name, json.dumps(result[name]), file=sys.stderr)
    result["load_average_after"] = [round(x, 2) for x in __import__("os").getloadavg()]
    result["one_file_vs_small_files_passages_per_s"] = round(
        result["head_one_file"]["passages_per_s"] / result["head_small_files"]["passages_per_s"], 2)
    bench = ROOT / "benchmarks/results/bench.json"
    if bench.exists():
        usual = json.loads(bench.read_text())
        result["usual"] = {"ingest_passages_per_s": usual["ingest"]["passages_per_s"],
                           "ingest_web_passages_per_s": usual["ingest_web"]["passages_per_s"],
                           "ingest_without_model_passages_per_s": usual["ingest_without_model"]["passages_per_s"],
                           "from": "benchmarks/results/bench.json"}
    result["peak_rss_target_mb"] = 1024
    result["children_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "ingest_large.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out / 'ingest_large.json'}", file=sys.stderr)


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"{time.perf_counter() - started:.0f} s", file=sys.stderr)
