"""`veracity db copy`: move a SQLite store into another store (PostgreSQL), in batches, resumably.

Documents go over in id order, `batch` at a time, each batch in one transaction of the target: an interrupted
copy leaves whole batches behind, and a rerun skips every document the target already holds (by content hash)
and adds the rest. Passages, their vectors and sentence vectors are copied as stored (no re-embedding);
fact-checkers' claim reviews go with their documents; dedupe groups are assigned again by the target from the
same MinHash signatures in the same order, so they come out as the source's. Saved checks are copied too (a
rerun overwrites them with the same values), and so is the web archive (search responses, page snapshots, what
each web check used), so a web check replays on the copy. Jobs are not copied.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ..factcheck import ClaimReview
from ..types import Span
from .base import CheckRecord, NewDocument, Store
from .sqlite import SqliteStore


@dataclass(frozen=True)
class CopySummary:
    documents: int  # documents in the source
    copied: int  # documents written by this run
    present: int  # documents the target held already (an earlier, interrupted run)
    checks: int  # checks copied
    fetches: int = 0  # web page fetches copied (their snapshots with them)
    searches: int = 0  # web search responses copied
    web_runs: int = 0  # what each web check used, for `check --replay`


def held_by(target: Store, hashes: list[str]) -> set[str]:
    """The content hashes the target holds already (one query a batch)."""
    return set(target.document_ids(hashes))


def reviews_of(source: SqliteStore, ids: list[int]) -> dict[int, list[ClaimReview]]:
    """The fact-checkers' rulings of these documents (a store older than the claim_reviews table has none)."""
    reviews: dict[int, list[ClaimReview]] = {i: [] for i in ids}
    if not source.db.execute("SELECT 1 FROM sqlite_master WHERE name='claim_reviews'").fetchone():
        return reviews
    marks = ",".join("?" * len(ids))
    for r in source.db.execute(f"SELECT document_id, claim, rating, rating_value, best_rating, worst_rating, "
                               f"publisher, published, url, origin FROM claim_reviews WHERE document_id IN ({marks}) "
                               f"ORDER BY id", ids):
        reviews[r[0]].append(ClaimReview(claim=r[1], rating=r[2], rating_value=r[3], best_rating=r[4],
                                         worst_rating=r[5], publisher=r[6], published=r[7], url=r[8], origin=r[9]))
    return reviews


def new_documents(source: SqliteStore, fresh: list[Any]) -> list[NewDocument]:
    """The source's documents (rows of id, content_hash, title, location, publisher, published, text, signature)
    as documents to add, with their passages, vectors and rulings."""
    ids = [d[0] for d in fresh]
    marks = ",".join("?" * len(ids))
    passages: dict[int, list[tuple[int, int, str, bytes, bytes]]] = {i: [] for i in ids}
    for p in source.db.execute(f'SELECT document_id, start, "end", sentences, vector, sentence_vectors '
                               f"FROM passages WHERE document_id IN ({marks}) ORDER BY id", ids):
        passages[p[0]].append(p[1:])
    reviews = reviews_of(source, ids)
    new = []
    for d in fresh:
        rows = passages[d[0]]
        new.append(NewDocument(
            title=d[2], location=d[3], publisher=d[4], published=d[5], content_hash=d[1], text=d[6],
            signature=np.frombuffer(d[7], dtype=np.uint64).copy(),
            passages=[(r[0], r[1], tuple(Span(a, b) for a, b in json.loads(r[2]))) for r in rows],
            passage_vectors=np.array([np.frombuffer(r[3], dtype=np.float32) for r in rows],
                                     dtype=np.float32).reshape(len(rows), source.dimension),
            sentence_vectors=[np.frombuffer(r[4], dtype=np.float16).reshape(-1, source.dimension)
                              .astype(np.float32) for r in rows],
            reviews=tuple(reviews[d[0]])))
    return new


def copy_store(source: SqliteStore, target: Store, *, near_duplicate_jaccard: float, batch: int = 200,
               progress: Callable[[int, int], None] | None = None) -> CopySummary:
    """Copy every document and check of `source` into `target`. progress(done, total) after each batch."""
    row = source.db.execute("SELECT value FROM meta WHERE key='embedder'").fetchone()
    if row is not None:
        target.vector_space(row[0])
    total = int(source.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0])
    copied = present = done = 0
    last = 0
    while True:
        docs = source.db.execute("SELECT id, content_hash, title, location, publisher, published, text, signature "
                                 "FROM documents WHERE id > ? ORDER BY id LIMIT ?", (last, batch)).fetchall()
        if not docs:
            break
        last = int(docs[-1][0])
        held = held_by(target, [d[1] for d in docs])
        fresh = [d for d in docs if d[1] not in held]
        present += len(docs) - len(fresh)
        if fresh:
            written = target.add_documents(new_documents(source, fresh), near_duplicate_jaccard)  # all or nothing
            copied += sum(1 for i in written if i is not None)
            present += sum(1 for i in written if i is None)  # written meanwhile by another process
        done += len(docs)
        if progress:
            progress(done, total)
    checks = source.db.execute("SELECT id, question, created_at, verdict, report FROM checks ORDER BY id").fetchall()
    for c in checks:
        target.save_check(CheckRecord(*c))
    web = copy_web(source, target)
    return CopySummary(documents=total, copied=copied, present=present, checks=len(checks), fetches=web.fetches,
                       searches=web.searches, web_runs=web.runs)


@dataclass(frozen=True)
class WebCopy:
    fetches: int
    searches: int
    runs: int


def copy_web(source: SqliteStore, target: Store) -> WebCopy:
    """The web archive: search responses, page fetches with their snapshots (linked to the target's copy of
    their document), and each web check's record with its search and fetch ids turned into the target's, so
    `check --replay` works on the copy. What the target already holds (a rerun) is found and not copied again."""
    searches: dict[int, int] = {}
    added_searches = 0
    for row in source.db.execute("SELECT id, provider, query, max_results, response, fetched_at FROM web_searches "
                                 "ORDER BY id").fetchall():
        found = target.saved_search_id(row[1], row[2], row[3], row[5])
        if found is None:
            found = target.save_search(row[1], row[2], row[3], json.loads(row[4]), row[5])
            added_searches += 1
        searches[int(row[0])] = found
    fetches: dict[int, int] = {}
    added_fetches = 0
    fetched = source.snapshots([int(r[0]) for r in source.db.execute("SELECT id FROM web_fetches ORDER BY id")])
    hashes = dict(source.db.execute("SELECT id, content_hash FROM documents WHERE id IN (SELECT document_id FROM "
                                    "web_snapshots WHERE document_id IS NOT NULL)").fetchall())
    documents = target.document_ids(list(hashes.values()))
    for snapshot in fetched:
        found = target.fetch_id(snapshot.url, snapshot.fetched_at, snapshot.content_hash)
        if found is None:
            document = documents.get(hashes.get(snapshot.document_id, "")) if snapshot.document_id else None
            found = target.save_snapshot(replace(snapshot, id=0, document_id=document))
            added_fetches += 1
        fetches[snapshot.id] = found
    runs = source.db.execute("SELECT check_id, record FROM web_runs ORDER BY check_id").fetchall()
    for check_id, text in runs:
        record = json.loads(text)
        record["search_ids"] = [searches.get(int(i), int(i)) for i in record.get("search_ids", [])]
        record["fetch_ids"] = [fetches.get(int(i), int(i)) for i in record.get("fetch_ids", [])]
        target.save_web_run(check_id, record)
    return WebCopy(fetches=added_fetches, searches=added_searches, runs=len(runs))
