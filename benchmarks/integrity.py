"""The integrity check that runs before a store's first write: full PRAGMA quick_check against the bounded one.

Usage: python benchmarks/integrity.py [--db STORE ...] [--out benchmarks/results]
Without --db it measures the demo store, built here from examples/. Writes OUT/integrity.json: for each store,
its size, the seconds a full quick_check takes (cold: the file's pages dropped from the OS cache where that is
allowed, else warm), and the seconds and coverage of SqliteStore.integrity() (header length check plus
quick_check stopped at INTEGRITY_BUDGET_S).
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def drop_cache(path: Path) -> bool:
    """Ask the OS to forget the file's cached pages (posix_fadvise DONTNEED); True if it was asked."""
    try:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)
        return True
    except (AttributeError, OSError):
        return False


def measure(path: Path) -> dict:
    from veracity.store.sqlite import INTEGRITY_BUDGET_S, SqliteStore

    result: dict = {"store": str(path), "mb": round(path.stat().st_size / 1e6, 1)}
    cold = drop_cache(path)
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    started = time.perf_counter()
    rows = db.execute("PRAGMA quick_check").fetchall()
    result["quick_check_s"] = round(time.perf_counter() - started, 3)
    result["quick_check"] = rows[0][0] if len(rows) == 1 else f"{len(rows)} problems"
    result["cache"] = "dropped first" if cold else "warm"
    db.close()
    drop_cache(path)
    store = SqliteStore(path)
    started = time.perf_counter()
    problem, whole = store.integrity()
    result["bounded_s"] = round(time.perf_counter() - started, 3)
    result["bounded_budget_s"] = INTEGRITY_BUDGET_S
    result["bounded_checked_whole_file"] = whole
    result["bounded_problem"] = problem
    store.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, action="append", default=[], help="a store to measure (repeatable)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results")
    args = parser.parse_args()
    for db in args.db:
        if not db.is_file():
            raise SystemExit(f"no store at {db}: give an existing veracity store with --db, or none for the demo")
    stores = list(args.db)
    if not stores:
        from veracity.engine import Engine
        from veracity.settings import Settings

        demo = Path(tempfile.mkdtemp()) / "demo.db"
        Engine(Settings.load(db=demo)).ingest([ROOT / "examples"])
        stores = [demo]
    results = [measure(path) for path in stores]
    for r in results:
        print(json.dumps(r), file=sys.stderr)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "integrity.json").write_text(json.dumps({"command": " ".join(["python", *sys.argv]),
                                                         "stores": results}, indent=2) + "\n")
    print(f"wrote {args.out / 'integrity.json'}", file=sys.stderr)


if __name__ == "__main__":
    main()
