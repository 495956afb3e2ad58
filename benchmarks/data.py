"""Where the benchmarks find their data, and one line saying what is missing when it is not there.

The benchmark data (SciFact, WiCE, CheckThat!, ...) is not part of a checkout. A script that needs it takes the
folder as --data; when a file is missing it stops with one line naming the file and the flag, or (bench.py)
measures on the small fixtures bundled in tests/fixtures/eval instead and says so.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests/fixtures/eval"


def missing(data: Path, relative: Iterable[str]) -> list[Path]:
    return [data / r for r in relative if not (data / r).exists()]


def require(data: Path, relative: Iterable[str], script: str) -> None:
    """Stop with one line when any of the files under data is missing."""
    gone = missing(data, relative)
    if gone:
        raise SystemExit(f"{script}: benchmark data not found: {', '.join(str(p) for p in gone)}; pass --data with "
                         "the folder that holds it (the project's shared data folder)")


@dataclass(frozen=True)
class BenchData:
    """The texts bench.py measures with, and where they came from."""

    source: str  # "benchmark data at PATH" or "bundled fixtures (tests/fixtures/eval)"
    abstracts: list[dict[str, str]]  # {"title", "text", "url"}
    pages: list[dict[str, str]]  # web pages with boilerplate; empty with the fixtures
    claims: list[dict[str, str]]  # one-sentence documents
    queries: list[str]


BENCH_FILES = ("bench/scifact/derived/beir_corpus.jsonl", "bench/scifact/beir/queries.jsonl", "bench/wice/dev.jsonl",
               "bench/checkthat2022-task2a-en/vclaims.jsonl")


def lines(path: Path) -> list[dict]:  # type: ignore[type-arg]
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def bench_data(data: Path, docs: int, pages: int) -> BenchData:
    """The shared benchmark data when all of it is at data, else the bundled fixtures."""
    if not missing(data, BENCH_FILES):
        rows = lines(data / BENCH_FILES[0])[:docs]
        wice = lines(data / BENCH_FILES[2])[:pages]
        return BenchData(
            source=f"benchmark data at {data}",
            abstracts=[{"title": r["title"], "text": r["text"], "url": f"scifact:{r['_id']}"} for r in rows],
            pages=[{"title": f"wice {i}", "text": "\n".join(p["evidence"]), "url": f"wice:{i}"}
                   for i, p in enumerate(wice)],
            claims=[{"title": c["title"], "text": c["vclaim"], "url": f"ct:{c['vclaim_id']}"}
                    for c in lines(data / BENCH_FILES[3])[:2000]],
            queries=[q["text"] for q in lines(data / BENCH_FILES[1])[:256]])
    corpus = lines(FIXTURES / "check-covid/corpus.json")[:docs]
    return BenchData(
        source=f"bundled fixtures ({FIXTURES.relative_to(ROOT)}): no benchmark data at {data}",
        abstracts=[{"title": r["title"], "text": " ".join(r["abstract"]), "url": f"checkcovid:{r['cord_id']}"}
                   for r in corpus],
        pages=[],
        claims=[{"title": c["title"], "text": c["vclaim"], "url": f"ct:{c['vclaim_id']}"}
                for c in lines(FIXTURES / "checkthat2022-task2a-en/vclaims.jsonl")[:2000]],
        queries=[r["claim"] for r in lines(FIXTURES / "fever-symmetric/fever_symmetric_test.jsonl")[:256]])
