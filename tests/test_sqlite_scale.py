"""The SQLite store at scale (issue 25): the vector graph beside the store agrees with it after a crash, a
re-ingest and a lost or foreign graph file, and gives exact search's top 10; lexical top-k with candidate
pruning gives FTS5's exhaustive top 10 where every matching row fits the budget; an old store is upgraded by
migration m008 with its search results unchanged. Documents are made here with random unit vectors (no
model), small thresholds stand in for the real ones."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from veracity.dedupe import content_hash, signature
from veracity.store.base import NewDocument
from veracity.store.sqlite import SqliteStore
from veracity.store.sqlite_vectors import graph_path
from veracity.types import Span

import importlib.util

if importlib.util.find_spec("usearch") is None or importlib.util.find_spec("tantivy") is None:
    pytest.skip("usearch and tantivy are not installed", allow_module_level=True)  # not imported here: see below

ROOT = Path(__file__).resolve().parent.parent
DIM = 384
WORDS = ("flood rain river storm police library budget council school hospital vaccine virus climate ocean "
         "election court tax energy wind solar coal bridge train airport museum farm drought fire").split()


WORD_VECTORS = np.random.default_rng(7).standard_normal((len(WORDS), DIM)).astype(np.float32)


def embed(picks: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A unit vector near the words' (neighbourhoods as real vectors have them), with some noise."""
    vector = WORD_VECTORS[picks].sum(axis=0) + 2.0 * rng.standard_normal(DIM).astype(np.float32)
    return (vector / np.linalg.norm(vector)).astype(np.float32)


def document(i: int, rng: np.random.Generator) -> NewDocument:
    picks = rng.integers(0, len(WORDS), 12)
    text = f"Report {i}: " + " ".join(WORDS[j] for j in picks) + "."
    vector = embed(picks, rng)
    return NewDocument(title=f"d{i}", location=f"test:{i}", publisher=None, published=None,
                       content_hash=content_hash(text), text=text, signature=signature(text),
                       passages=[(0, len(text), (Span(0, len(text)),))], passage_vectors=vector[None, :],
                       sentence_vectors=[vector[None, :]])


def documents(start: int, n: int) -> list[NewDocument]:
    return [document(i, np.random.default_rng(i)) for i in range(start, start + n)]


def queries(n: int = 20) -> list[np.ndarray]:
    rng = np.random.default_rng(12345)
    return [embed(rng.integers(0, len(WORDS), 4), rng) for _ in range(n)]


def same(a: list[tuple[int, float]], b: list[tuple[int, float]]) -> bool:
    """The same passages in the same order, with the same scores up to float32 rounding (a matrix product
    sums in an order that depends on the matrix's shape)."""
    return [i for i, _ in a] == [i for i, _ in b] and np.allclose([s for _, s in a], [s for _, s in b], atol=1e-6)


def agrees(store: SqliteStore, floor: float = 0.95) -> None:
    """The graph's top 10 holds at least `floor` of exact search's (HNSW is approximate), every passage it
    returns has its exact score, and they come in exact search's order."""
    found = 0
    for q in queries():
        approximate, exact = store.dense(q, 10), store.dense(q, 10, exact=True)
        scores = dict(exact) | dict(store.dense(q, 1000, exact=True))
        assert all(abs(scores[i] - s) < 1e-6 for i, s in approximate)
        assert [s for _, s in approximate] == sorted((s for _, s in approximate), reverse=True)
        found += len({i for i, _ in approximate} & {i for i, _ in exact})
    assert found >= floor * 10 * len(queries())


def open_store(path: Path, **kw: int) -> SqliteStore:
    return SqliteStore(path, index_min=kw.get("index_min", 300), fold_at=kw.get("fold_at", 200),
                       lexical_min=kw.get("lexical_min", 300))


def lexical_ids(store: SqliteStore) -> list[int]:
    """The passage ids the lexical index holds, in order."""
    import tantivy

    searcher = store.words.index.searcher()
    hits = searcher.search(tantivy.Query.all_query(), max(searcher.num_docs, 1)).hits
    return sorted(int(searcher.doc(address)["id"][0]) for _, address in hits)


def test_the_graph_is_built_folded_and_searched_like_exact_search(tmp_path):
    store = open_store(tmp_path / "s.db")
    store.add_documents(documents(0, 250), 0.5)
    assert not graph_path(store.path).exists()  # below index_min: exact search, no file
    agrees(store)
    store.add_documents(documents(250, 100), 0.5)
    assert graph_path(store.path).exists() and store.vectors.upto == 350  # built at 350 >= 300
    for start in range(350, 900, 50):  # folded each time the tail reaches 200
        store.add_documents(documents(start, 50), 0.5)
    assert store.vectors.upto >= 750 and store.vectors.tail_size() < 200
    agrees(store)
    # another process sees the same (the file is read, and its own tail)
    other = open_store(tmp_path / "s.db")
    agrees(other)
    other.close()
    store.close()


def test_a_missing_or_foreign_graph_falls_back_to_exact_search_and_is_rebuilt(tmp_path):
    store = open_store(tmp_path / "s.db")
    store.add_documents(documents(0, 400), 0.5)
    before = [store.dense(q, 10, exact=True) for q in queries()]
    store.close()
    graph_path(str(tmp_path / "s.db")).unlink()
    os.chmod(tmp_path / "s.db", 0o444)  # read-only: no graph can be written, search is exact
    try:
        read_only = open_store(tmp_path / "s.db")
        assert read_only.read_only and read_only.vectors.graph is None
        assert all(same(read_only.dense(q, 10), b) for q, b in zip(queries(), before))
        read_only.close()
    finally:
        os.chmod(tmp_path / "s.db", 0o644)
    rebuilt = open_store(tmp_path / "s.db")  # writable: rebuilt on open
    assert rebuilt.vectors.graph is not None and rebuilt.vectors.upto == 400
    agrees(rebuilt)
    rebuilt.close()
    # a graph of another store (same size, other vectors) is stale: exact search until it is rebuilt
    other = open_store(tmp_path / "o.db")
    other.add_documents(documents(5000, 400), 0.5)
    other.close()
    shutil.copy(graph_path(str(tmp_path / "o.db")), graph_path(str(tmp_path / "s.db")))
    again = open_store(tmp_path / "s.db")
    assert again.vectors.graph is not None and again.vectors.upto == 400  # rebuilt from this store
    agrees(again)
    again.close()


def test_the_graph_holds_vectors_less_the_recorded_centre_and_is_stale_without_it(tmp_path):
    import sqlite3

    from veracity.store.sqlite_vectors import CENTRE_KEY, centred, read_centre

    store = open_store(tmp_path / "s.db")
    store.add_documents(documents(0, 400), 0.5)
    stored = np.stack([np.frombuffer(v, dtype=np.float32) for (v,) in store.db.execute(
        "SELECT vector FROM passages ORDER BY id")])
    centre = read_centre(store.db, DIM)
    assert centre is not None and np.allclose(centre, stored.mean(axis=0), atol=1e-6)
    held = np.asarray(store.vectors.graph.get(np.arange(1, 401, dtype=np.uint64)), dtype=np.float32) / 127
    assert np.max(np.abs(held - centred(stored, centre))) < 0.01  # int8: each value to about 1/127
    store.close()
    for change in ("DELETE FROM meta WHERE key = ?", "UPDATE meta SET value = 'AAAA' WHERE key = ?"):
        with sqlite3.connect(tmp_path / "s.db") as db:
            db.execute(change, (CENTRE_KEY,))
        os.chmod(tmp_path / "s.db", 0o444)
        try:
            reader = open_store(tmp_path / "s.db")  # read-only: stale, so exact search
            assert reader.vectors.graph is None
            assert all(same(reader.dense(q, 10), reader.dense(q, 10, exact=True)) for q in queries())
            reader.close()
        finally:
            os.chmod(tmp_path / "s.db", 0o644)
        writer = open_store(tmp_path / "s.db")  # writable: rebuilt, with its centre recorded again
        assert writer.vectors.graph is not None and read_centre(writer.db, DIM) is not None
        agrees(writer)
        writer.close()


def test_among_equal_scores_the_graph_and_exact_search_keep_the_same_passages(tmp_path):
    """A collection repeats sentences: 30 passages with one vector tie on every query. Both searches keep the
    smallest ids among them, in id order."""
    from dataclasses import replace

    twin = document(10_000, np.random.default_rng(10_000))
    twins = [replace(twin, location=f"test:twin{i}", content_hash=content_hash(f"{twin.text} {i}"))
             for i in range(30)]
    store = open_store(tmp_path / "s.db")
    store.add_documents(documents(0, 200) + twins + documents(200, 200), 0.5)
    assert store.vectors.graph is not None
    ids = sorted(r[0] for r in store.db.execute("SELECT p.id FROM passages p JOIN documents d ON d.id = "
                                                "p.document_id WHERE d.location LIKE 'test:twin%'"))
    query = twin.passage_vectors[0]
    for limit in (10, 25):
        graph, exact = store.dense(query, limit), store.dense(query, limit, exact=True)
        assert [i for i, _ in graph] == [i for i, _ in exact] == ids[:limit]
    store.close()


def test_a_reingest_changes_nothing(tmp_path):
    store = open_store(tmp_path / "s.db")
    store.add_documents(documents(0, 500), 0.5)
    before = [store.dense(q, 10) for q in queries()]
    stamp = graph_path(store.path).stat().st_mtime_ns
    assert store.add_documents(documents(0, 500), 0.5) == [None] * 500
    assert graph_path(store.path).stat().st_mtime_ns == stamp
    assert all(same(store.dense(q, 10), b) for q, b in zip(queries(), before))
    store.close()


WRITER = textwrap.dedent("""
    import sys
    sys.path[:0] = [{root!r}, {tests!r}]
    from test_sqlite_scale import documents, open_store
    from pathlib import Path
    store = open_store(Path({db!r}), index_min=100, fold_at=60, lexical_min=100)
    start = 0
    while True:
        store.add_documents(documents(start, 40), 0.5)
        start += 40
        print(start, flush=True)
""")


@pytest.mark.parametrize("delay", [0.0, 0.15, 0.4])
def test_the_graph_agrees_with_the_store_after_kill_9_mid_batch(tmp_path, delay):
    db = tmp_path / "s.db"
    script = WRITER.format(root=str(ROOT), tests=str(ROOT / "tests"), db=str(db))
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        while int(proc.stdout.readline() or 0) < 240:  # several batches and folds written
            assert proc.poll() is None
        time.sleep(delay)  # then killed wherever it is: in a batch, a fold, or between them
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    store = open_store(db, index_min=100, fold_at=60, lexical_min=100)
    held = store.db.execute("SELECT COUNT(*), MAX(id) FROM passages").fetchone()
    assert held[0] == held[1] and held[0] % 40 == 0  # whole batches only
    assert store.vectors.graph is not None and store.vectors.upto <= held[1]
    keys = set(np.asarray(store.vectors.graph.keys).tolist())
    assert keys == set(range(1, store.vectors.upto + 1))
    agrees(store)
    # the lexical index holds committed passages only, and is brought up to the store before a search
    assert store.words.index is not None and lexical_ids(store) == list(range(1, store.words.upto + 1))
    last = store.passages([held[1]])[held[1]].text.split(":")[0]  # "Report N", in that passage only
    assert store.lexical(last, 5)[0][0] == held[1]
    assert lexical_ids(store) == list(range(1, held[1] + 1))
    store.add_documents(documents(held[0], 40), 0.5)  # and it goes on from there
    agrees(store)
    assert lexical_ids(store) == list(range(1, held[1] + 41))
    store.close()


def test_the_lexical_index_is_built_kept_up_and_replaced_by_fts5_while_missing(tmp_path):
    store = open_store(tmp_path / "s.db")
    store.add_documents(documents(0, 250), 0.5)
    assert store.words.index is None  # below lexical_min: FTS5 alone
    exhaustive = store.lexical("Report 7 flood", 10, exhaustive=True)
    assert store.lexical("Report 7 flood", 10) == exhaustive
    store.add_documents(documents(250, 100), 0.5)
    assert store.words.index is not None and lexical_ids(store) == list(range(1, 351))
    assert store.lexical("Report 123", 1)[0][0] == 124  # passage 124 is document 123's
    assert store.add_documents(documents(0, 100), 0.5) == [None] * 100  # a re-ingest adds nothing
    assert lexical_ids(store) == list(range(1, 351))
    before = store.lexical("Report 123 river police", 10)
    store.close()
    # a reader while the index is missing gets FTS5's exhaustive ranking; a writer rebuilds the index
    shutil.rmtree(tmp_path / "s.db-lexical.tantivy")
    os.chmod(tmp_path / "s.db", 0o444)
    try:
        reader = open_store(tmp_path / "s.db")
        assert reader.words.index is None
        assert reader.lexical("Report 123 river police", 10) == reader.lexical("Report 123 river police", 10,
                                                                                exhaustive=True)
        reader.close()
    finally:
        os.chmod(tmp_path / "s.db", 0o644)
    writer = open_store(tmp_path / "s.db")
    assert lexical_ids(writer) == list(range(1, 351))
    assert writer.lexical("Report 123 river police", 10) == before
    writer.close()


def test_an_old_store_is_upgraded_by_m008_with_its_results_unchanged(tmp_path):
    from veracity.store import sqlite_migrations

    path = tmp_path / "old.db"
    old = SqliteStore(path, index_min=10_000, lexical_min=10_000)  # no indexes: as 0.2.0 kept a store
    old.add_documents(documents(0, 600), 0.5)
    with old._transaction():  # the schema 0.2.0 wrote: m001..m007
        old.db.execute("DELETE FROM migrations WHERE name = 'm008_indexes_beside_the_store'")
        old.db.execute("DELETE FROM meta WHERE key = 'indexes'")
        old.db.execute("UPDATE meta SET value = '7' WHERE key = 'schema_version'")
    words = ["Report 42 flood river", "police budget council", "Report 512 solar wind energy"]
    lexical = [old.lexical(q, 10) for q in words]
    dense = [old.dense(q, 10) for q in queries()]
    old.close()
    assert not graph_path(str(path)).exists()
    new = open_store(path, lexical_min=1_000)  # the graph is built (600 >= 300); lexical stays FTS5's
    assert "m008_indexes_beside_the_store" in sqlite_migrations.applied(new.db)
    assert new.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == "8"
    assert new.vectors.graph is not None and new.vectors.upto == 600
    assert [new.lexical(q, 10) for q in words] == lexical
    assert all(same(new.dense(q, 10, exact=True), d) for q, d in zip(queries(), dense))
    agrees(new)
    new.close()


def test_the_vector_graph_can_be_opened_before_the_embedder_loads():
    # usearch imported before onnxruntime crashes the process on onnxruntime's import; the store imports it
    # first. A process opens its store (and the graph) before the embedder loads its model.
    code = ("from veracity.store.sqlite_vectors import _usearch; assert _usearch() is not None; "
            "import onnxruntime; print('ok')")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]
