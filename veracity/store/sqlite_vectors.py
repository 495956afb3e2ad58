"""The SQLite store's dense search: an HNSW graph in a file beside the store, memory-mapped, plus the newest
passages searched exactly, with every candidate re-scored exactly from the store.

The store is the truth; the graph (usearch, int8, cosine) is a cache of it, kept in `<store>-vectors.usearch`.
It holds each passage's vector less the CENTRE, made unit length again. Sentence embeddings share a large
common direction (MiniLM's do: a collection's nearest neighbours often lie within 0.004 of inner product of
each other), and an HNSW graph over such crowded directions loses neighbours as it grows. Less their mean the
directions spread out, and the graph keeps them: on a 311k-passage sample of the 1M benchmark collection,
recall@10 went from 0.808 to 0.904 at the same settings (docs/scale.md). The centre is the mean of the stored
vectors when the graph is built from scratch, kept in the store's meta table (CENTRE_KEY) and reused by every
fold; a query asks the graph with its own vector less the centre. Re-scoring stays exact, on the raw vectors:


- it holds passages 1..W for some W (its keys are passage ids); passages after W (the "tail") are read from
  the store as they arrive and searched exactly, so a search sees every committed passage;
- a writer folds the tail into the graph once it holds FOLD_AT passages: it loads the graph, adds the tail,
  writes a new file and renames it over the old one (atomic). The graph is only ever built from committed
  rows, so a writer killed mid-batch (its transaction rolled back) or mid-fold (the old file is still whole)
  leaves a graph that agrees with the store;
- on open, a graph that does not agree with the store (its passage count up to W, or a spot check of its
  vectors against the stored ones less the recorded centre) is stale: searches go exact until a writer rebuilds it. A store that has
  none (made before migration m008, or with the file deleted) gets one when it is opened writable and holds
  at least INDEX_MIN passages; below that, exact search over the whole store is fast and needs no file;
- a search asks the graph for max(limit, CANDIDATES) passages, scores them and the tail's best exactly
  (float32 inner product with the stored vectors, as exact search does) and returns the top `limit` by
  (-score, id). A passage it returns has the score exact search gives it; recall@10 against exact search is
  measured by benchmarks/search_scale.py.

Memory: the graph is memory-mapped (a search touches a few thousand of its vectors), and the tail holds at
most FOLD_AT vectors, so a process's first search at 1M passages neither reads nor holds the whole matrix.
"""

from __future__ import annotations

import base64
import logging
import os
import sqlite3
import time
from contextlib import suppress
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger("veracity.store")

INDEX_MIN = 50_000  # passages: a smaller store is searched exactly (a few ms) and keeps no graph
FOLD_AT = 20_000  # tail passages (not yet in the graph) at which a writer folds them in
# The graph's settings, chosen on the 1M benchmark collection (static MiniLM stand-in vectors, whose nearest
# neighbours crowd: docs/scale.md), with the vectors less their centre. A longer build list buys more recall than
# more neighbours, and more neighbours make a larger file whose pages count in a search's memory: 16 neighbours
# and a list of 256 reached recall@10 0.958 asking 1,200 candidates (list 2,400; graph alone about 25 ms, a 553
# MB file), where 32 neighbours and a list of 128 reached 0.928 at 400 and 0.948 at 1,000 (a 685 MB file).
CANDIDATES = 1200  # passages asked of the graph per search, re-scored exactly
CONNECTIVITY = 16  # HNSW graph: neighbours a node
EXPANSION_ADD = 256  # candidate list while building
EXPANSION_SEARCH = 2400  # candidate list while searching
SPOT_CHECKS = 8  # stored vectors compared with the graph's on open
BATCH = 8192
CENTRE_KEY = "vector_graph_centre"  # meta: the centre the graph's vectors are taken from (float32, base64)
UPTO_KEY = "vector_graph_upto"  # meta: the last passage id the graph holds (read from the store, not the graph:
# listing the graph's keys would read every page of its file into memory)


def graph_path(store_path: str) -> Path:
    return Path(f"{store_path}-vectors.usearch")


def _usearch() -> Any:
    with suppress(ImportError):  # onnxruntime (the embedder's) first: imported after usearch 2.26.6, it crashes
        import onnxruntime  # noqa: F401  (the process; tests/test_sqlite_scale.py checks the order)
    try:
        from usearch.index import Index
    except ImportError:  # the store still searches, exactly
        return None
    return Index


def _new_graph(dimension: int) -> Any:
    index = _usearch()
    return index(ndim=dimension, metric="cos", dtype="i8", connectivity=CONNECTIVITY, expansion_add=EXPANSION_ADD,
                 expansion_search=EXPANSION_SEARCH)


def _vectors(rows: list[Any], dimension: int) -> np.ndarray:
    return np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32).reshape(len(rows), dimension)


def centred(vectors: np.ndarray, centre: np.ndarray) -> np.ndarray:
    """Each vector less the centre, unit length again: what the graph holds. A vector at the centre itself
    (nothing left) keeps its own direction."""
    moved = vectors - centre
    norms = np.linalg.norm(moved, axis=-1, keepdims=True)
    flat = norms[..., 0] < 1e-6
    if np.any(flat):
        moved[flat] = vectors[flat]
        norms[flat] = np.linalg.norm(vectors[flat], axis=-1, keepdims=True)
    out: np.ndarray = (moved / np.maximum(norms, 1e-12)).astype(np.float32)
    return out


def read_centre(db: sqlite3.Connection, dimension: int) -> np.ndarray | None:
    row = db.execute("SELECT value FROM meta WHERE key = ?", (CENTRE_KEY,)).fetchone()
    if row is None:
        return None
    raw = base64.b64decode(row[0])
    return np.frombuffer(raw, dtype=np.float32) if len(raw) == 4 * dimension else None


class VectorIndex:
    """Dense search over one SQLite store's passages (see the module doc). `db` is the store's connection;
    reads of the tail run in one snapshot."""

    def __init__(self, db: sqlite3.Connection, store_path: str, dimension: int, *, index_min: int = INDEX_MIN,
                 fold_at: int = FOLD_AT) -> None:
        self.db = db
        self.dimension = dimension
        self.path = graph_path(store_path) if store_path != ":memory:" else None
        self.index_min = index_min
        self.fold_at = fold_at
        self.graph: Any = None
        self.centre: np.ndarray | None = None  # the graph's centre (CENTRE_KEY)
        self.upto = 0  # the graph holds passages 1..upto
        self._graph_stamp: tuple[int, int] | None = None
        self._tail_ids = np.zeros(0, dtype=np.int64)
        self._tail = np.zeros((0, dimension), dtype=np.float32)
        self._tail_upto = 0  # the tail holds passages upto+1.._tail_upto
        self._data_version: int | None = None

    # -- the graph file -------------------------------------------------------------------------
    def _stamp(self) -> tuple[int, int] | None:
        if self.path is None:
            return None
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return None
        return st.st_ino, st.st_mtime_ns

    def open(self) -> str | None:
        """Map the graph file if there is one that agrees with the store; else None and why not ("missing",
        "stale: ..."). Searches are exact over what the graph does not hold."""
        stamp = self._stamp()
        if stamp is not None and stamp == self._graph_stamp:
            return None
        self._forget_graph()
        if stamp is None or _usearch() is None:
            return "missing"
        try:
            graph = _usearch().restore(str(self.path), view=True)
        except Exception as exc:  # a damaged or foreign file: rebuilt by the next writer
            return f"stale: unreadable ({exc})"
        if graph is None:
            return "stale: unreadable"
        graph.expansion_search = EXPANSION_SEARCH  # not kept in the file
        centre = read_centre(self.db, self.dimension)
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (UPTO_KEY,)).fetchone()
        if centre is None or row is None:
            return "stale: the store records no centre or extent for it"
        upto = int(row[0])
        problem = self._disagreement(graph, centre, upto)
        if problem:
            return f"stale: {problem}"
        self.graph, self._graph_stamp, self.centre, self.upto = graph, stamp, centre, upto
        self._tail_ids = np.zeros(0, dtype=np.int64)
        self._tail = np.zeros((0, self.dimension), dtype=np.float32)
        self._tail_upto = self.upto
        self._data_version = None
        return None

    def _disagreement(self, graph: Any, centre: np.ndarray, upto: int) -> str | None:
        """Why the graph does not agree with the store (passages 1..upto), or None. Reads the graph's header and
        a few of its nodes only."""
        if graph.ndim != self.dimension:
            return f"vectors of dimension {graph.ndim}, not {self.dimension}"
        held = self.db.execute("SELECT COUNT(*) FROM passages INDEXED BY passages_document WHERE id <= ?",
                               (upto,)).fetchone()[0]  # the small index, not the table's pages
        if held != len(graph):
            return f"it holds {len(graph)} passages, the store {held} up to id {upto}"
        if not held:
            return None
        rows = []  # the last passage and SPOT_CHECKS others, picked where random ids fall
        for start in {upto, *np.random.default_rng(upto).integers(1, upto + 1, size=SPOT_CHECKS).tolist()}:
            rows += self.db.execute("SELECT id, vector FROM passages WHERE id >= ? AND id <= ? ORDER BY id LIMIT 1",
                                    (start, upto)).fetchall()
        got = [graph.get(np.uint64(r[0])) for r in rows]
        if any(g is None for g in got):
            return "some of the store's passages are not in it"
        mine = np.asarray(got, dtype=np.float32) / 127.0
        stored = centred(_vectors(rows, self.dimension), centre)
        if np.max(np.abs(mine - stored)) > 0.02:  # int8 holds each value to about 1/127
            return "its vectors are not the store's"
        return None

    def _forget_graph(self) -> None:
        self.graph, self._graph_stamp, self.upto, self.centre = None, None, 0, None
        self._tail_ids = np.zeros(0, dtype=np.int64)
        self._tail = np.zeros((0, self.dimension), dtype=np.float32)
        self._tail_upto = 0
        self._data_version = None

    # -- the tail -------------------------------------------------------------------------------
    def _refresh(self) -> None:
        """Reopen the graph if another process replaced the file; read passages committed since last time."""
        if self._stamp() != self._graph_stamp:
            self.open()
        version = self.db.execute("PRAGMA data_version").fetchone()[0]
        if version == self._data_version:
            return
        self.db.execute("BEGIN")  # one snapshot for the rows and the version they belong to
        try:
            ids, blocks = [self._tail_ids], [self._tail]
            cursor = self.db.execute("SELECT id, vector FROM passages WHERE id > ? ORDER BY id", (self._tail_upto,))
            while rows := cursor.fetchmany(BATCH):
                ids.append(np.array([r[0] for r in rows], dtype=np.int64))
                blocks.append(_vectors(rows, self.dimension))
        finally:
            self.db.execute("COMMIT")
        self._tail_ids, self._tail = np.concatenate(ids), np.concatenate(blocks)
        self._tail_upto = int(self._tail_ids[-1]) if len(self._tail_ids) else self._tail_upto
        self._data_version = version

    def written(self) -> None:
        """This connection committed passages: read them at the next search (data_version moves only for
        other connections' commits)."""
        self._data_version = None

    # -- search ---------------------------------------------------------------------------------
    def search(self, vector: np.ndarray, limit: int, *, exact: bool = False) -> list[tuple[int, float]]:
        """The top `limit` passages by inner product, as (id, score), sorted by (-score, id). exact=True scans
        every stored vector (for measuring recall; reads the whole matrix)."""
        query = np.asarray(vector, dtype=np.float32)
        if exact:
            return self._exact(query, limit)
        self._refresh()
        found: dict[int, float] = {}
        if len(self._tail):
            found.update(_top(self._tail_ids, self._tail @ query, limit))
        if self.graph is not None and self.centre is not None and len(self.graph):
            keys = np.asarray(self.graph.search(query - self.centre, max(limit, CANDIDATES)).keys, dtype=np.int64)
            if len(keys):
                rows = self.db.execute(f"SELECT id, vector FROM passages WHERE id IN ({','.join('?' * len(keys))})",
                                       [int(k) for k in keys]).fetchall()
                if rows:
                    found.update(_top(np.array([r[0] for r in rows], dtype=np.int64),
                                      _vectors(rows, self.dimension) @ query, limit))
        return sorted(found.items(), key=lambda item: (-item[1], item[0]))[:limit]

    def _exact(self, query: np.ndarray, limit: int) -> list[tuple[int, float]]:
        best: dict[int, float] = {}
        cursor = self.db.execute("SELECT id, vector FROM passages ORDER BY id")
        while rows := cursor.fetchmany(BATCH * 4):
            ids = np.array([r[0] for r in rows], dtype=np.int64)
            best.update(_top(ids, _vectors(rows, self.dimension) @ query, limit))
            best = dict(sorted(best.items(), key=lambda item: (-item[1], item[0]))[:limit])
        return sorted(best.items(), key=lambda item: (-item[1], item[0]))[:limit]

    # -- building -------------------------------------------------------------------------------
    def tail_size(self) -> int:
        if self.upto == 0:  # the whole store: counted on its smallest index
            return int(self.db.execute("SELECT COUNT(*) FROM passages").fetchone()[0])
        return int(self.db.execute("SELECT COUNT(*) FROM passages WHERE id > ?", (self.upto,)).fetchone()[0])

    def maintain(self) -> bool:
        """Called by a writer after a commit: build the graph of a store that reached INDEX_MIN passages and
        has none (or a stale one), or fold a tail of FOLD_AT passages into it. True when it wrote the file."""
        if self.path is None:
            return False
        if self._stamp() != self._graph_stamp:
            self.open()
        tail = self.tail_size()
        if self.graph is None:
            if self.upto + tail < self.index_min:
                return False
        elif tail < self.fold_at:
            return False
        if _usearch() is None:  # imported only here and in open(): a small store never loads it
            return False
        self.build(fold=self.graph is not None)
        return True

    def build(self, *, fold: bool = True) -> dict[str, float]:
        """Write the graph file: the current graph plus the tail (fold), or every stored passage. Atomic: a new
        file renamed over the old one. Returns what it did (passages added, seconds)."""
        assert self.path is not None
        started = time.perf_counter()
        graph = _new_graph(self.dimension)
        upto, centre = 0, None
        if fold and self.graph is not None and self.centre is not None and self.path.exists():
            loaded = _usearch().restore(str(self.path), view=False)
            if loaded is not None and len(loaded):
                graph, upto, centre = loaded, self.upto, self.centre
        added = 0
        self.db.execute("BEGIN")  # one snapshot: the graph ends exactly at a committed state
        try:
            if centre is None:  # built from scratch: the mean of every stored vector
                total, count = np.zeros(self.dimension, dtype=np.float64), 0
                cursor = self.db.execute("SELECT id, vector FROM passages")
                while rows := cursor.fetchmany(BATCH):
                    total += _vectors(rows, self.dimension).sum(axis=0, dtype=np.float64)
                    count += len(rows)
                centre = (total / max(count, 1)).astype(np.float32)
            cursor = self.db.execute("SELECT id, vector FROM passages WHERE id > ? ORDER BY id", (upto,))
            while rows := cursor.fetchmany(BATCH):
                graph.add(np.array([r[0] for r in rows], dtype=np.uint64),
                          centred(_vectors(rows, self.dimension), centre), threads=min(os.cpu_count() or 1, 4))
                added += len(rows)
                upto = int(rows[-1][0])
        finally:
            self.db.execute("COMMIT")
        temporary = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        graph.save(str(temporary))
        with open(temporary, "rb") as fh:
            os.fsync(fh.fileno())
        # the centre and extent first: killed between the two, the old graph meets the new extent (another
        # passage count) and is found stale on open
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", [
                (CENTRE_KEY, base64.b64encode(centre.astype(np.float32).tobytes()).decode("ascii")),
                (UPTO_KEY, str(upto))])
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")
        os.replace(temporary, self.path)
        seconds = time.perf_counter() - started
        log.info("vector index %s: %d passages added in %.1f s", self.path, added, seconds)
        self._forget_graph()
        self.open()
        return {"added": added, "seconds": round(seconds, 1)}


def _top(ids: np.ndarray, scores: np.ndarray, limit: int) -> dict[int, float]:
    """The `limit` best passages by (-score, id). Ties at the cut go to the smaller id, as in the final order:
    the stored collection repeats sentences, so equal scores are common, and exact search and the graph's
    re-scored candidates must pick the same passages among them."""
    k = min(limit, len(scores))
    if k == 0:
        return {}
    cut = np.partition(scores, len(scores) - k)[len(scores) - k]
    pool = np.flatnonzero(scores >= cut)
    best = pool[np.lexsort((ids[pool], -scores[pool]))[:k]]
    return {int(ids[i]): float(scores[i]) for i in best}
