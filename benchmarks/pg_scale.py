"""PostgreSQL at scale: hybrid search p50/p95 of the postgres store beside the SQLite store and bm25s (same
passages, same queries, same run), HNSW recall@10 against exact search, disk and RAM; and ingest with 1 and 2
worker processes.

The collection is the one benchmarks/search_scale.py builds (benchmark sentences from ../shared/data; beyond
257k sentences, four-sentence documents over reshuffled sentences). Embedding 1M passages with the shipped
embedder would take hours on this 2-core machine, so the search part uses stand-in vectors, loaded in bulk
(COPY) rather than through ingest:

- stand-in vectors here are hashed bag-of-words projections (each word a fixed random 384-d vector, a sentence
  the normalised sum of its words', a passage the normalised mean of its sentences', as ingest makes them).
  Unlike i.i.d. random vectors they have neighbourhoods (passages sharing words are near), so HNSW recall
  is measured on data with structure; they still are not MiniLM vectors, and dense relevance is not measured.
- the SQLite store gets the same documents, passages and vectors (bulk INSERT through its own schema).
- lexical search in PostgreSQL prunes candidates to the rarest query terms (see veracity/store/postgres.py);
  its overlap@10 with scoring every matching passage is measured too.
- query embedding is excluded from latencies (the vectors are precomputed), as in search_scale.py.

Usage:
    python benchmarks/pg_scale.py search --data ../shared/data --work /tmp/pgscale --size 1000000
    python benchmarks/pg_scale.py ingest --data ../shared/data --work /tmp/pgscale --documents 1500
Writes (updates) OUT/pg_scale.json. The PostgreSQL data folder and the SQLite store stay in --work; a rerun with
the same --size reuses a completed build.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import subprocess
import sys
import time
from contextlib import suppress
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "benchmarks"), str(ROOT / "tests")]

DIM = 384
BUCKETS = 1 << 16
PASSAGE_CHARS = 420


from search_scale import percentiles  # noqa: E402  (benchmarks/ is on sys.path above)


def word_ids(text: str) -> list[int]:
    import re

    return [int.from_bytes(hashlib.blake2b(w.encode(), digest_size=4).digest(), "little") % BUCKETS
            for w in set(re.findall(r"\w+", text.lower()))]


class BagOfWords:
    """Stand-in embedder: hashed bag-of-words random projections (see the module doc)."""

    name = "stand-in (hashed bag-of-words projections)"
    dimension = DIM

    def __init__(self) -> None:
        self.table = np.random.default_rng(7).standard_normal((BUCKETS, DIM), dtype=np.float32)

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for i, t in enumerate(texts):
            ids = word_ids(t)
            if ids:
                out[i] = self.table[ids].sum(axis=0)
            else:
                out[i, 0] = 1.0
        return out / np.linalg.norm(out, axis=1, keepdims=True)


class StaticMiniLM:
    """Stand-in embedder with the shipped model's geometry at a fraction of its cost (the model2vec idea): the
    shipped MiniLM embeds each of its 30,522 vocabulary tokens once, and a text's vector is the normalised
    mean of its tokens' vectors. Real neighbourhoods, clusters and anisotropy, so HNSW recall is measured on
    vectors shaped like the real ones; ranking quality is not MiniLM's."""

    name = "stand-in (static MiniLM token vectors, mean pooled)"
    dimension = DIM

    def __init__(self, cache: Path) -> None:
        from veracity import onnx_model

        self.tokenizer = onnx_model.tokenizer(256)
        if cache.exists():
            self.table = np.load(cache)
        else:
            from veracity.embed import MiniLMEmbedder

            vocab = self.tokenizer.get_vocab()
            tokens = [t for t, _ in sorted(vocab.items(), key=lambda item: item[1])]
            self.table = MiniLMEmbedder(batch_size=256).embed([t.removeprefix("##") or t for t in tokens])
            np.save(cache, self.table)
        self.special = {self.tokenizer.token_to_id(t) for t in ("[CLS]", "[SEP]", "[PAD]")}

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for i, enc in enumerate(self.tokenizer.encode_batch(list(texts))):
            ids = [t for t in enc.ids if t not in self.special]
            out[i] = self.table[ids].mean(axis=0) if ids else self.table[0]
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)


def stand_in(kind: str, work: Path) -> Any:
    if kind == "minilm":  # the shipped embedder itself: real vectors, for sizes this CPU can embed
        from veracity.embed import MiniLMEmbedder

        return MiniLMEmbedder(batch_size=64)
    return StaticMiniLM(work / "static-minilm.npy") if kind == "static" else BagOfWords()


def split_passages(sentences: list[str]) -> tuple[str, list[tuple[int, int, list[tuple[int, int]]]]]:
    """A document text of these sentences joined by spaces, cut into passages of whole sentences of about
    PASSAGE_CHARS (as ingest's chunker does for prose)."""
    text = " ".join(sentences)
    spans, at = [], 0
    for s in sentences:
        spans.append((at, at + len(s)))
        at += len(s) + 1
    passages: list[tuple[int, int, list[tuple[int, int]]]] = []
    current: list[tuple[int, int]] = []
    for span in spans:
        if current and span[1] - current[0][0] > PASSAGE_CHARS:
            passages.append((current[0][0], current[-1][1], current))
            current = []
        current.append(span)
    if current:
        passages.append((current[0][0], current[-1][1], current))
    return text, passages


def build(size: int, data: Path, work: Path, texts_file: Path | None, vectors: str, m: int,
          ef_construction: int, index: bool = True) -> dict[str, Any]:
    """Build (or reuse) the PostgreSQL database and the SQLite store of about `size` passages, and its HNSW
    index with these parameters (unless index is False: the collection only)."""
    import psycopg
    from pgserver import PgServer
    from search_scale import collection, sentences

    from veracity.dedupe import band_keys, content_hash, signature, similarity
    from veracity.store.postgres import PostgresStore
    from veracity.store.sqlite import SqliteStore

    server = PgServer(work / "pg")
    done = work / f"built-{size}-{vectors}.json"
    if done.exists():
        info = json.loads(done.read_text())
        return (hnsw(info, done, server, m, ef_construction) if index else info) | {"server": server}
    server.set(shared_buffers="2GB", maintenance_work_mem="3GB", max_parallel_maintenance_workers="2",
               work_mem="64MB", effective_cache_size="8GB", random_page_cost="1.1")
    server.restart()

    started = time.perf_counter()
    if texts_file:
        texts = [line.rstrip("\n") for line in texts_file.open(encoding="utf-8") if line.strip()]
    else:
        texts = sentences(data)
    # the documents of search_scale's collection, as lists of sentences
    singles = min(len(texts), size)
    docs: list[list[str]] = [[t] for t in texts[:singles]]
    docs += [[] for _ in collection(texts, size)[singles:]]  # filled below with collection()'s sentences
    r, at = 0, singles
    while at < len(docs):
        r += 1
        order = np.random.default_rng(r).permutation(len(texts))
        for k in range(0, len(order) - 3, 4):
            if at >= len(docs):
                break
            docs[at] = [texts[i] for i in order[k:k + 4]]
            at += 1
    embedder = stand_in(vectors, work)
    print(f"{len(docs)} documents; embedding and grouping", flush=True)

    db_name = f"scale{size}{vectors}"
    with psycopg.connect(server.uri(), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {db_name}")  # type: ignore[arg-type]
        admin.execute(f"CREATE DATABASE {db_name}")  # type: ignore[arg-type]
    uri = server.uri(db_name)
    pg = PostgresStore(uri)
    pg.vector_space(embedder.name)
    sqlite_path = work / f"scale-{size}-{vectors}.db"
    sqlite_path.unlink(missing_ok=True)
    sq = SqliteStore(sqlite_path)
    sq.vector_space(embedder.name)
    with pg.db.transaction():
        pg.db.execute("DROP INDEX passages_tsv")
        pg.db.execute("DROP INDEX passages_vector")
        pg.db.execute("CREATE UNLOGGED TABLE staging (document_id bigint, start integer, \"end\" integer, "
                      "text text, sentences text, title text, vector halfvec(384), sentence_vectors bytea)")

    band_index: dict[int, list[int]] = {}
    signatures: list[np.ndarray] = []
    groups: list[int] = []
    next_group = 0
    seen: set[str] = set()
    n_passages = 0
    from pgvector import HalfVector

    sq.db.execute("BEGIN")
    for start in range(0, len(docs), 20_000):
        part = docs[start:start + 20_000]
        flat = [s for d in part for s in d]
        svecs = embedder.embed(flat)
        at_s = 0
        doc_rows, passage_rows, band_rows, sq_passages = [], [], [], []
        for sents in part:
            text, passages = split_passages(sents)
            digest = content_hash(text)
            if digest in seen:  # equal to another up to case and spacing: ingest would skip it too
                at_s += len(sents)
                continue
            seen.add(digest)
            doc_id = len(signatures) + 1
            sig = signature(text)
            keys = band_keys(sig)
            candidates = sorted({d for k in keys for d in band_index.get(k, [])})
            group = None
            if candidates:
                sims = similarity(sig, np.stack([signatures[d - 1] for d in candidates]))
                best = int(np.argmax(sims))
                if sims[best] >= 0.5:
                    group = groups[candidates[best] - 1]
            if group is None:
                next_group += 1
                group = next_group
            signatures.append(sig)
            groups.append(group)
            for k in keys:
                band_index.setdefault(k, []).append(doc_id)
                band_rows.append((k, doc_id))
            title = f"s{doc_id}"
            doc_rows.append((doc_id, digest, title, f"scale:{doc_id}", None, None, group, text,
                             sig.astype(np.uint64).tobytes()))
            for p_start, p_end, spans in passages:
                block = svecs[at_s:at_s + len(spans)]
                at_s += len(spans)
                mean = block.mean(axis=0)
                vec = (mean / max(float(np.linalg.norm(mean)), 1e-12)).astype(np.float32)
                sentences_json = json.dumps([list(s) for s in spans])
                n_passages += 1
                passage_rows.append((doc_id, p_start, p_end, text[p_start:p_end], sentences_json, title,
                                     HalfVector(vec), block.astype(np.float16).tobytes()))
                sq_passages.append((n_passages, doc_id, p_start, p_end, text[p_start:p_end], sentences_json,
                                    vec.tobytes(), block.astype(np.float16).tobytes(), title))
        with pg.db.cursor() as cur:
            with cur.copy("COPY documents (id, content_hash, title, location, publisher, published, grp, text, "
                          "signature) FROM STDIN") as copy:
                for row in doc_rows:
                    copy.write_row(row)
            with cur.copy("COPY staging FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(["int8", "int4", "int4", "text", "text", "text", "halfvec", "bytea"])
                for row in passage_rows:
                    copy.write_row(row)
            with cur.copy("COPY minhash_bands (key, document_id) FROM STDIN") as copy:
                for row in band_rows:
                    copy.write_row(row)
        sq.db.executemany("INSERT INTO documents (id, content_hash, title, location, publisher, published, grp, "
                          "text, signature) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", doc_rows)
        sq.db.executemany('INSERT INTO passages (id, document_id, start, "end", text, sentences, vector, '
                          "sentence_vectors) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [r[:8] for r in sq_passages])
        sq.db.executemany("INSERT INTO passages_fts (rowid, title, text) VALUES (?, ?, ?)",
                          [(r[0], r[8], r[4]) for r in sq_passages])
        sq.db.executemany("INSERT INTO minhash_bands (key, document_id) VALUES (?, ?)", band_rows)
        print(f"  {start + len(part)} documents, {n_passages} passages, {time.perf_counter() - started:.0f} s",
              flush=True)
    sq.db.execute("COMMIT")
    sq.close()
    timings: dict[str, float] = {"load_s": round(time.perf_counter() - started, 1)}
    db = pg.db
    steps = [
        ("tsvector_s", "INSERT INTO passages (document_id, start, \"end\", text, sentences, tsv, vector, "
                       "sentence_vectors) SELECT document_id, start, \"end\", text, sentences, "
                       "to_tsvector('english', title || ' ' || text), vector, sentence_vectors FROM staging "
                       "ORDER BY document_id, start"),
        ("stats_s", "INSERT INTO lexemes (lexeme, df) SELECT l, count(*) FROM passages, "
                    "unnest(tsvector_to_array(tsv)) l GROUP BY l"),
        ("stats2_s", "UPDATE search_stats SET passages = (SELECT count(*) FROM passages), "
                     "lexemes = (SELECT sum(length(tsv)) FROM passages)"),
        ("sequence_s", "SELECT setval('documents_grp_seq', (SELECT max(grp) FROM documents)), "
                       "setval(pg_get_serial_sequence('documents', 'id'), (SELECT max(id) FROM documents))"),
        ("drop_staging_s", "DROP TABLE staging"),
        ("gin_s", "CREATE INDEX passages_tsv ON passages USING gin (tsv)"),
        ("analyze_s", "VACUUM ANALYZE"),
    ]
    for name, sql in steps:
        t = time.perf_counter()
        db.execute(sql)  # type: ignore[arg-type]
        timings[name] = round(time.perf_counter() - t, 1)
        print(f"  {name} {timings[name]}", flush=True)
    timings["build_s"] = round(time.perf_counter() - started, 1)
    info = {"db": db_name, "documents": len(signatures), "passages": n_passages, "timings": timings}
    done.write_text(json.dumps(info, indent=2))
    pg.close()
    return (hnsw(info, done, server, m, ef_construction) if index else info) | {"server": server}


def hnsw(info: dict[str, Any], done: Path, server: Any, m: int, ef_construction: int) -> dict[str, Any]:
    """Build the HNSW index of a built collection with these parameters, unless it has them already (so a rerun
    with other parameters rebuilds only the index)."""
    import psycopg

    from veracity.store import postgres_migrations

    wanted = {"m": m, "ef_construction": ef_construction}
    if info.get("hnsw") == wanted:
        return info
    with psycopg.connect(server.uri(info["db"]), autocommit=True) as db:
        db.execute("SET maintenance_work_mem = '3GB'")
        db.execute("SET max_parallel_maintenance_workers = 2")
        db.execute("DROP INDEX IF EXISTS passages_vector")
        t = time.perf_counter()
        db.execute(postgres_migrations.hnsw_index(m, ef_construction))
        info["timings"]["hnsw_s"] = round(time.perf_counter() - t, 1)
        db.execute("ANALYZE passages")
    print(f"  hnsw_s {info['timings']['hnsw_s']} (m {m}, ef_construction {ef_construction})", flush=True)
    info["hnsw"] = wanted
    done.write_text(json.dumps(info, indent=2))
    return info


def queries(data: Path, queries_file: Path | None) -> list[str]:
    if queries_file:
        return queries_file.read_text(encoding="utf-8").splitlines()
    from search_scale import queries as scale_queries

    return scale_queries(data)


def rss_mb(pids: list[int]) -> float:
    import psutil

    total = 0
    for pid in pids:
        with suppress(Exception):  # a backend that ended meanwhile
            total += psutil.Process(pid).memory_full_info().uss
    return round(total / 1e6, 1)


def search(args: argparse.Namespace) -> dict[str, Any]:
    import psutil

    from veracity.search import hybrid
    from veracity.store.postgres import PostgresStore
    from veracity.store.sqlite import SqliteStore

    info = build(args.size, args.data, args.work, args.texts, args.vectors, args.hnsw_m, args.ef_construction)
    server = info.pop("server")
    uri = server.uri(info["db"])
    qs = queries(args.data, args.queries)
    embedder = stand_in(args.vectors, args.work)
    vectors = embedder.embed(qs)
    result: dict[str, Any] = {k: v for k, v in info.items()} | {"queries": len(qs), "budget": args.budget,
                                                              "vectors": embedder.name}
    pg = PostgresStore(uri, candidate_budget=args.budget)
    sq = SqliteStore(args.work / f"scale-{args.size}-{args.vectors}.db", create=False)

    # HNSW recall@10 against exact search over the same stored (halfvec) values, by ef_search, counted two ways:
    # - strict: the share of the exact top-10 ids that HNSW returns;
    # - with ties (ann-benchmarks' k-nn recall): the share of HNSW's 10 whose score is within 1e-3 of the exact
    #   10th score or better. The collection reuses each benchmark sentence in several documents beyond 257k
    #   passages, so near-equal scores at the 10th place are common, and strict recall counts an equally near
    #   passage as a miss.
    # The search timings below use the smallest ef_search whose strict recall reaches 0.95 (or --ef-search).
    recall: dict[str, dict[str, float]] = {}
    sample = vectors[:args.recall_queries]
    cache = args.work / f"exact-{args.size}-{args.vectors}-{len(sample)}.json"
    if cache.exists():  # an exact scan reads every vector: minutes at 1M, so it is kept for reruns
        exact = [[(int(i), float(v)) for i, v in row] for row in json.loads(cache.read_text())]
    else:
        exact = [pg.dense(v, 10, exact=True) for v in sample]
        cache.write_text(json.dumps(exact))
    chosen = args.ef_search
    for ef in args.ef_list:
        pg.ef_search = ef
        times, strict, ties = [], [], []
        for v, truth in zip(sample, exact):
            t = time.perf_counter()
            found = pg.dense(v, 10)
            times.append((time.perf_counter() - t) * 1000)
            strict.append(len({i for i, _ in found} & {i for i, _ in truth}) / 10)
            ties.append(sum(score >= truth[-1][1] - 1e-3 for _, score in found) / 10 if truth else 1.0)
        value = round(float(np.mean(strict)), 4)
        recall[str(ef)] = {"recall_at_10": value, "recall_at_10_with_ties": round(float(np.mean(ties)), 4)} | {
            f"dense_{k}_ms": v for k, v in percentiles(times).items()}
        print("ef_search", ef, recall[str(ef)], flush=True)
        if chosen is None and value >= 0.95:
            chosen = ef
        if value >= 0.99:
            break
    chosen = chosen or max(args.ef_list)
    pg.ef_search = chosen

    def timed(store: Any, mode: str) -> dict[str, float]:
        hybrid(store, embedder, qs[0], 10, mode=mode, vector=vectors[0])  # warm (SQLite loads its matrix)
        times = []
        for q, v in zip(qs, vectors):
            t = time.perf_counter()
            hybrid(store, embedder, q, 10, mode=mode, vector=v)
            times.append((time.perf_counter() - t) * 1000)
        return percentiles(times)

    for name, store in (("postgres", pg), ("sqlite", sq)):
        result[name] = {f"{mode}_ms": timed(store, mode) for mode in ("lexical", "dense", "hybrid")}
        print(name, json.dumps(result[name]), flush=True)
    for ef in recall:  # hybrid latency at every ef_search measured for recall: the latency-recall curve
        pg.ef_search = int(ef)
        recall[ef] |= {f"hybrid_{k}_ms": v for k, v in timed(pg, "hybrid").items()}
        print("hybrid at ef_search", ef, recall[ef], flush=True)
    pg.ef_search = chosen
    result["postgres"]["hnsw_by_ef_search"] = recall
    result["postgres"]["ef_search"] = chosen
    result["postgres"]["recall_queries"] = len(sample)
    result["sqlite"]["store_mb"] = round((args.work / f"scale-{args.size}-{args.vectors}.db").stat().st_size / 1e6, 1)
    result["sqlite"]["process_rss_mb_after"] = round(psutil.Process().memory_info().rss / 1e6, 1)
    sq.close()

    # lexical pruning: overlap@10 of the pruned top-10 with scoring every matching passage
    overlaps, exhaustive_times = [], []
    for q in qs[:args.overlap_queries]:
        pruned = {pid for pid, _ in pg.lexical(q, 10)}
        t = time.perf_counter()
        full = [pid for pid, _ in pg.lexical(q, 10, exhaustive=True)]
        exhaustive_times.append((time.perf_counter() - t) * 1000)
        if full:
            overlaps.append(len(pruned & set(full)) / len(full))
    result["postgres"]["lexical_pruned_overlap_at_10"] = round(float(np.mean(overlaps)), 4)
    result["postgres"]["lexical_exhaustive_ms"] = percentiles(exhaustive_times)
    result["postgres"]["overlap_queries"] = len(exhaustive_times)

    with pg._db() as db:
        sizes = db.execute(
            "SELECT pg_database_size(current_database()), pg_total_relation_size('passages'), "
            "pg_relation_size('passages_vector'), pg_relation_size('passages_tsv'), "
            "pg_total_relation_size('documents'), pg_total_relation_size('minhash_bands'), "
            "pg_total_relation_size('lexemes'), current_setting('shared_buffers')").fetchone()
        pids = [r[0] for r in db.execute("SELECT pid FROM pg_stat_activity").fetchall()]
    server_pid = server._server.get_pid()
    result["postgres"] |= {
        "database_mb": round(sizes[0] / 1e6, 1), "passages_table_mb": round(sizes[1] / 1e6, 1),
        "hnsw_index_mb": round(sizes[2] / 1e6, 1), "gin_index_mb": round(sizes[3] / 1e6, 1),
        "documents_table_mb": round(sizes[4] / 1e6, 1), "minhash_bands_mb": round(sizes[5] / 1e6, 1),
        "lexemes_mb": round(sizes[6] / 1e6, 1), "shared_buffers": sizes[7],
        "server_uss_mb": rss_mb([server_pid, *pids]),
        "client_rss_mb": round(psutil.Process().memory_info().rss / 1e6, 1)}
    pg.close()

    from search_scale import bm25s_latency

    sqc = SqliteStore(args.work / f"scale-{args.size}-{args.vectors}.db", create=False)
    texts = [r[0] for r in sqc.db.execute("SELECT text FROM passages ORDER BY id")]
    sqc.close()
    result["bm25s_lexical_ms"] = bm25s_latency(texts, qs)
    return result


def ingest(args: argparse.Namespace) -> dict[str, Any]:
    """Ingest with the shipped embedder through `veracity worker --once` processes: jsonl files of four-sentence
    documents queued as ingest jobs (`veracity ingest --jobs`, one file a job) into a fresh database, taken by
    1 and then 2 workers (different documents each run). The time runs from the workers' start (model loading
    included) until the last one exits."""
    import psycopg
    from pgserver import PgServer
    from search_scale import sentences

    server = PgServer(args.work / "pg")
    texts = sentences(args.data)
    rng = np.random.default_rng(11)
    out: dict[str, Any] = {"documents": args.documents}
    for workers in (1, 2):
        folder = args.work / f"ingest-{workers}"
        folder.mkdir(parents=True, exist_ok=True)
        order = rng.permutation(len(texts))
        files = []
        per_file = max(1, args.documents // args.files)
        for f in range(args.files):
            path = folder / f"part-{f:03d}.jsonl"
            with path.open("w", encoding="utf-8") as fh:
                for d in range(per_file):
                    at = (f * per_file + d) * 4
                    fh.write(json.dumps({"title": f"d{f}-{d}", "url": f"bench:{workers}:{f}:{d}",
                                         "text": " ".join(texts[i] for i in order[at:at + 4])}) + "\n")
            files.append(path)
        name = f"ingest{workers}"
        with psycopg.connect(server.uri(), autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name}")  # type: ignore[arg-type]
            admin.execute(f"CREATE DATABASE {name}")  # type: ignore[arg-type]
        uri = server.uri(name)
        env = os.environ | {"VERACITY_DB": uri, "PYTHONPATH": str(ROOT)}
        cli = [sys.executable, "-m", "veracity.cli"]
        subprocess.run([*cli, "ingest", "--jobs", "--job-mb", "0.0001", *map(str, files)], env=env, check=True)
        t = time.perf_counter()
        procs = [subprocess.Popen([*cli, "worker", "--once"], env=env) for _ in range(workers)]
        for p in procs:
            p.wait()
        seconds = time.perf_counter() - t
        with psycopg.connect(uri) as db:
            passages = db.execute("SELECT count(*) FROM passages").fetchone()[0]
            states = dict(db.execute("SELECT state, count(*) FROM jobs GROUP BY state").fetchall())
        out[f"{workers}_workers"] = {"passages": passages, "seconds": round(seconds, 1),
                                     "passages_per_s": round(passages / seconds, 1), "jobs": states}
        print(workers, out[f"{workers}_workers"], flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("part", choices=("search", "ingest"))
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--texts", type=Path, help="the sentences, one a line (search_scale.py --dump-texts)")
    parser.add_argument("--queries", type=Path, help="the queries, one a line")
    parser.add_argument("--work", type=Path, default=Path("/tmp/veracity-pgscale"))
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    parser.add_argument("--size", type=int, default=1_000_000, help="passages, about")
    parser.add_argument("--vectors", choices=("static", "bow", "minilm"), default="static", help="stand-in "
                        "vectors: static MiniLM token vectors (default) or hashed bag-of-words projections; or "
                        "minilm, the shipped embedder (real vectors, slow: for small sizes)")
    parser.add_argument("--budget", type=int, default=3_000, help="the lexical candidate budget (summed "
                        "document frequency of the terms that bring candidates)")
    parser.add_argument("--ef-search", type=int, help="HNSW ef_search for the timings (default: the smallest "
                        "of --ef-list with strict recall@10 >= 0.95)")
    parser.add_argument("--ef-list", type=lambda v: [int(x) for x in v.split(",")],
                        default=[40, 100, 200, 400, 800, 1000], help="ef_search values for recall, "
                        "comma-separated (stops after one with recall@10 >= 0.99; pgvector allows at most 1000)")
    parser.add_argument("--hnsw-m", type=int, default=None, help="HNSW m (default: the store's, "
                        "postgres_migrations.HNSW_M)")
    parser.add_argument("--ef-construction", type=int, default=None, help="HNSW ef_construction (default: the "
                        "store's); a rerun with other HNSW parameters rebuilds only the index")
    parser.add_argument("--recall-queries", type=int, default=200, help="queries for HNSW recall (exact search "
                        "scans every vector)")
    parser.add_argument("--overlap-queries", type=int, default=200, help="queries for the lexical pruning overlap "
                        "(the exhaustive query scores every matching passage)")
    parser.add_argument("--documents", type=int, default=1200, help="ingest: four-sentence documents per run")
    parser.add_argument("--files", type=int, default=24, help="ingest: jsonl files (one ingest job each)")
    args = parser.parse_args()
    missing = [p for p in ([args.texts] if args.texts else [args.data / "bench"]) if not p.exists()]
    if missing:
        raise SystemExit(f"missing {missing[0]}: give --data (the benchmark folder holds bench/) or --texts")
    args.work.mkdir(parents=True, exist_ok=True)
    from veracity.store import postgres_migrations

    args.hnsw_m = args.hnsw_m or postgres_migrations.HNSW_M
    args.ef_construction = args.ef_construction or postgres_migrations.HNSW_EF_CONSTRUCTION
    result = search(args) if args.part == "search" else ingest(args)
    result["machine"] = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "pg_scale.json"
    kept = json.loads(path.read_text()) if path.exists() else {}
    threads = os.environ.get("VERACITY_THREADS", "default")
    key = f"search_{result.get('passages', args.size)}_{args.vectors}" if args.part == "search" else \
        f"ingest_threads_{threads}"
    if args.part == "search" and (args.hnsw_m, args.ef_construction) != (postgres_migrations.HNSW_M,
                                                                         postgres_migrations.HNSW_EF_CONSTRUCTION):
        key += f"_m{args.hnsw_m}_efc{args.ef_construction}"  # a graph other than the store's own: kept apart
    if args.part == "ingest":
        result["onnx_threads_per_worker"] = threads
    kept[key] = result
    path.write_text(json.dumps(kept, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
