"""Per-batch cost of keeping the SQLite store's indexes in step with it: add_documents on a copy of the 100k
store `search_scale.py --stores` builds (with its indexes), in batches of 512 one-passage documents (about one
ingest batch, BATCH_SENTENCES), with the index upkeep timed apart from the write.

Usage: python benchmarks/index_upkeep.py /tmp/stores/scale-100000-static.db /tmp/upkeep.db
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


def main() -> None:
    src, dst = sys.argv[1], sys.argv[2]
    shutil.copy(src, dst)
    shutil.copy(src + "-vectors.usearch", dst + "-vectors.usearch")
    shutil.rmtree(dst + "-lexical.tantivy", ignore_errors=True)
    shutil.copytree(src + "-lexical.tantivy", dst + "-lexical.tantivy")
    store = SqliteStore(dst, create=False)
    upkeep: list[float] = []
    writes: list[float] = []
    maintain = store._maintain_indexes

    def timed() -> None:
        started = time.perf_counter()
        maintain()
        upkeep.append(time.perf_counter() - started)

    store._maintain_indexes = timed  # type: ignore[method-assign]
    for b in range(12):
        docs = t.documents(10**6 + b * 512, 512)
        started = time.perf_counter()
        store.add_documents(docs, 0.5)
        writes.append(time.perf_counter() - started)
    store.close()
    print(json.dumps({"batches": len(writes), "passages_per_batch": 512,
                      "add_documents_ms_p50": round(statistics.median(writes) * 1000, 1),
                      "index_upkeep_ms_p50": round(statistics.median(upkeep) * 1000, 1),
                      "index_upkeep_ms_max": round(max(upkeep) * 1000, 1),
                      "embedding_s_per_batch_at_80_passages_per_s": round(512 / 80, 2)}))


if __name__ == "__main__":
    main()
