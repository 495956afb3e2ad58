"""Retrieval quality of the SQLite store's indexes: the retrieval suite (SciFact, CheckThat! 2A) run as it is
(both collections are below the 50,000 passages from which the store keeps its indexes, so FTS5 and exact
vectors answer), then on copies of the same stores with the thresholds at 0, so the tantivy index and the
vector graph answer. Prints one line per dataset and system.

Usage:
    python benchmarks/eval_indexes.py --work /tmp/eval-indexes     # as is, then forced (reuses the stores)
    python benchmarks/eval_indexes.py --work DIR --forced           # forced only
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path


def run(data: Path, work: Path) -> None:
    from veracity.eval.retrieval import retrieval_suite

    for result in retrieval_suite(data, work=work, only=("scifact", "checkthat2a")):
        print(result.dataset, [(m.name, m.value) for m in result.metrics], result.notes, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data/bench"))
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--forced", action="store_true", help="only the run with the indexes forced on")
    args = parser.parse_args()
    if not args.forced:
        print("as is:", flush=True)
        run(args.data, args.work / "as-is")
    forced = args.work / "forced"
    forced.mkdir(parents=True, exist_ok=True)
    for db in (args.work / "as-is").glob("*.db"):  # the same stores; their indexes are built on open
        if not (forced / db.name).exists():
            shutil.copy(db, forced / db.name)
    from veracity.store.sqlite import SqliteStore

    assert SqliteStore.__init__.__kwdefaults__ is not None
    SqliteStore.__init__.__kwdefaults__.update(index_min=0, lexical_min=0)
    print("indexes forced:", flush=True)
    run(args.data, forced)


if __name__ == "__main__":
    main()
