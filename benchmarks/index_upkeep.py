"""Per-batch cost of keeping the SQLite store's indexes in step with it: add_documents on a copy of the 100k
store `search_scale.py --stores` builds (with its indexes), in batches of 512 one-passage documents (about one
ingest batch, BATCH_SENTENCES), with the index upkeep timed apart from the write.

A run long enough to fill the graph's tail (FOLD_AT passages) includes a fold: the tail added to the graph and the
file rewritten. The share of ingest time the upkeep costs is its total over the time the shipped embedder takes
for the same passages (EMBED_RATE passages a second, measured on this machine: docs/performance.md).

Usage: python benchmarks/index_upkeep.py SOURCE.db COPY.db [--batches N] [--out FILE]
  e.g. python benchmarks/index_upkeep.py /tmp/stores/scale-100000-static.db /tmp/upkeep.db --batches 40 \
           --out benchmarks/results/index_upkeep.json
"""

from __future__ import annotations

import json
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import test_sqlite_scale as t  # noqa: E402  (its documents: random words and vectors)

from veracity.store.sqlite import SqliteStore  # noqa: E402


EMBED_RATE = 80  # passages a second: ingest of ordinary documents on this machine (docs/performance.md)


def main() -> None:
    import argparse

    from veracity.store.sqlite_vectors import graph_path

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", help="a store search_scale.py --stores built, with its indexes")
    parser.add_argument("copy", help="where to copy it (it is written to)")
    parser.add_argument("--batches", type=int, default=12, help="batches of 512 passages")
    parser.add_argument("--out", type=Path, help="write the figures here (JSON); the size measured is the key")
    args = parser.parse_args()
    src, dst = args.source, args.copy
    if not Path(src).exists() or not graph_path(src).exists():
        sys.exit(f"missing {src} or its vector graph: build it with benchmarks/search_scale.py --stores")
    shutil.copy(src, dst)
    shutil.copy(src + "-vectors.usearch", dst + "-vectors.usearch")
    shutil.rmtree(dst + "-lexical.tantivy", ignore_errors=True)
    shutil.copytree(src + "-lexical.tantivy", dst + "-lexical.tantivy")
    store = SqliteStore(dst, create=False)
    passages = int(store.db.execute("SELECT COUNT(*) FROM passages").fetchone()[0])
    upkeep: list[float] = []
    folds: list[float] = []
    writes: list[float] = []
    maintain = store._maintain_indexes

    def timed() -> None:
        stamp = graph_path(dst).stat().st_mtime_ns
        started = time.perf_counter()
        maintain()
        (folds if graph_path(dst).stat().st_mtime_ns != stamp else upkeep).append(time.perf_counter() - started)

    store._maintain_indexes = timed  # type: ignore[method-assign]
    for b in range(args.batches):
        docs = t.documents(10**6 + b * 512, 512)
        started = time.perf_counter()
        store.add_documents(docs, 0.5)
        writes.append(time.perf_counter() - started)
    store.close()
    added = 512 * args.batches
    result = {"store_passages": passages, "batches": len(writes), "passages_per_batch": 512,
              "add_documents_ms_p50": round(statistics.median(writes) * 1000, 1),
              "index_upkeep_ms_p50": round(statistics.median(upkeep) * 1000, 1) if upkeep else None,
              "index_upkeep_ms_max": round(max(upkeep) * 1000, 1) if upkeep else None,
              "folds": len(folds), "fold_s": [round(f, 1) for f in folds],
              "embedding_s_per_batch": round(512 / EMBED_RATE, 2),
              "upkeep_share_of_ingest": round((sum(upkeep) + sum(folds)) / (added / EMBED_RATE + sum(upkeep)
                                                                           + sum(folds)), 4)}
    print(json.dumps(result))
    if args.out:
        kept = json.loads(args.out.read_text()) if args.out.exists() else {}
        kept = kept if "sizes" in kept else {"sizes": {"100000": kept}} if kept else {"sizes": {}}
        kept["sizes"][str(passages)] = result
        args.out.write_text(json.dumps(kept, indent=1) + "\n")


if __name__ == "__main__":
    main()
