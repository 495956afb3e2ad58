"""The SQLite store's lexical top-k at scale: a tantivy index (BM25 with block-max pruning, so a query over
common words does not rank every matching passage) in a folder beside the store, kept in step with it.

FTS5 ranks every row that matches any query word: at 1M passages an OR query of common words costs hundreds
of milliseconds. Below INDEX_MIN passages it is fast and stays the store's lexical search (its ranking, exact,
with the typo-forgiving prefixes of fts_query); from INDEX_MIN on, the passages also go into
`<store>-lexical.tantivy`, and lexical search asks it:

- each passage is indexed as its document title and its text (as FTS5 holds them), English-stemmed, with
  positions (a word the tokenizer splits, "Sun-Times", is a phrase); the query is the same content words as
  fts_query's, each a term or a phrase, OR-ed. Prefixes are left out (tantivy scores them as constants);
  unspaced scripts (Chinese, Japanese, Thai) still go to the FTS5 trigram index, as before;
- the store is the truth: the index holds passages 1..W, added only from committed rows after each write
  (tantivy's commit is atomic), so a writer killed mid-batch leaves an index that agrees with the store;
- when the store holds passages after W (a writer stopped between its commit and the index's), a writable
  store adds them before searching; a read-only one searches FTS5 for that query, which is exact and slower;
- on open, an index whose passage count up to W, or a spot check of its passages' fingerprints, disagrees
  with the store is stale: it is rebuilt when the store is opened writable, and FTS5 answers until then.
"""

from __future__ import annotations

import hashlib
import logging
import re
import shutil
import sqlite3
import time
from pathlib import Path
from typing import Any

import numpy as np

from ..text import UNSPACED, content_words, without_possessive

log = logging.getLogger("veracity.store")

INDEX_MIN = 50_000  # passages: a smaller store ranks with FTS5 alone
SPOT_CHECKS = 8
BATCH = 8192
# bytes tantivy's writer buffers before it writes a segment: a build takes many passages at once; an ingest
# batch (a few hundred passages) is small, and a smaller arena makes its writer quicker to open (about 30 ms
# for a commit of 64 passages, against 60 ms with the larger one)
BUILD_HEAP = 100_000_000
BATCH_HEAP = 20_000_000


def index_path(store_path: str) -> Path:
    return Path(f"{store_path}-lexical.tantivy")


def _tantivy() -> Any:
    try:
        import tantivy
    except ImportError:  # FTS5 answers
        return None
    return tantivy


def fingerprint(title: str, text: str) -> str:
    return hashlib.blake2b(f"{title}\n{text}".encode(), digest_size=8).hexdigest()


def _schema(tantivy: Any) -> Any:
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", stored=True, indexed=True, fast=True)
    builder.add_text_field("fingerprint", stored=True, tokenizer_name="raw")
    builder.add_text_field("body", stored=False, tokenizer_name="en_stem", index_option="position")
    return builder.build()


def query_words(text: str) -> list[list[str]]:
    """The content words of a query as fts_query takes them (possessives dropped, unspaced runs left out),
    each as its pieces: one piece is a term, several a phrase."""
    out: list[list[str]] = []
    for word in content_words(UNSPACED.sub(" ", text)):
        pieces = re.findall(r"[^\W_]+", without_possessive(word).lower())
        if pieces and pieces not in out:
            out.append(pieces)
    return out


class LexicalIndex:
    def __init__(self, db: sqlite3.Connection, store_path: str, *, index_min: int = INDEX_MIN) -> None:
        self.db = db
        self.path = index_path(store_path) if store_path != ":memory:" else None
        self.index_min = index_min
        self.index: Any = None
        self.upto = 0
        self._data_version: int | None = None
        self._behind = False

    # -- opening --------------------------------------------------------------------------------
    def open(self) -> str | None:
        """Open the index if there is one that agrees with the store; else None and why not."""
        self.index, self.upto = None, 0
        if self.path is None or not (self.path / "meta.json").exists() or _tantivy() is None:
            return "missing"
        tantivy = _tantivy()
        try:
            index = tantivy.Index.open(str(self.path))
            index.reload()
            problem = self._disagreement(index)
        except (ValueError, OSError) as exc:
            return f"stale: unreadable ({exc})"
        if problem:
            return f"stale: {problem}"
        self.index, self.upto = index, self._upto(index)
        self._data_version = None
        return None

    @staticmethod
    def _upto(index: Any) -> int:
        searcher = index.searcher()
        if searcher.num_docs == 0:
            return 0
        tantivy = _tantivy()
        hits = searcher.search(tantivy.Query.all_query(), 1, order_by_field="id").hits
        return int(hits[0][0]) if hits else 0

    def _disagreement(self, index: Any) -> str | None:
        searcher = index.searcher()
        upto = self._upto(index)
        held = self.db.execute("SELECT COUNT(*) FROM passages INDEXED BY passages_document WHERE id <= ?",
                               (upto,)).fetchone()[0]
        if held != searcher.num_docs:
            return f"it holds {searcher.num_docs} passages up to id {upto}, the store {held}"
        if upto == 0:
            return None
        picks = sorted({upto, *np.random.default_rng(upto).integers(1, upto + 1, SPOT_CHECKS).tolist()})
        rows = self.db.execute(f"SELECT p.id, d.title, p.text FROM passages p JOIN documents d ON d.id = "
                               f"p.document_id WHERE p.id IN ({','.join('?' * len(picks))})", picks).fetchall()
        tantivy = _tantivy()
        for pid, title, text in rows:
            hits = searcher.search(tantivy.Query.term_query(index.schema, "id", pid), 1).hits
            if not hits or searcher.doc(hits[0][1])["fingerprint"][0] != fingerprint(title, text):
                return f"its passage {pid} is not the store's"
        return None

    # -- writing --------------------------------------------------------------------------------
    def maintain(self) -> bool:
        """Called by a writer after a commit: build the index of a store that reached INDEX_MIN passages (or
        rebuild a stale one), or add the passages committed since. True when it wrote to the index."""
        if self.path is None:
            return False
        if self.index is None:
            problem = self.open()
            if problem and problem != "missing":
                shutil.rmtree(self.path, ignore_errors=True)
            if self.index is None:
                count = self.db.execute("SELECT COUNT(*) FROM passages").fetchone()[0]
                if count < self.index_min or _tantivy() is None:  # a small store never imports tantivy
                    return False
                return self._add(create=True) > 0
        return self._add() > 0

    def _add(self, *, create: bool = False) -> int:
        """Add the committed passages after the index's last one; returns how many."""
        tantivy = _tantivy()
        assert self.path is not None
        started = time.perf_counter()
        if create:
            self.path.mkdir(parents=True, exist_ok=True)
            index = tantivy.Index(_schema(tantivy), path=str(self.path))
        else:
            index = self.index
        try:
            writer = index.writer(heap_size=BUILD_HEAP if create else BATCH_HEAP, num_threads=1)
        except ValueError as exc:  # another process holds the writer lock: it adds them
            log.info("lexical index %s busy (%s)", self.path, exc)
            return 0
        added = 0
        try:
            index.reload()
            upto = self._upto(index)  # read under the writer's lock
            self.db.execute("BEGIN")  # one committed snapshot
            try:
                cursor = self.db.execute("SELECT p.id, d.title, p.text FROM passages p JOIN documents d ON "
                                         "d.id = p.document_id WHERE p.id > ? ORDER BY p.id", (upto,))
                while rows := cursor.fetchmany(BATCH):
                    for pid, title, text in rows:
                        writer.add_document(tantivy.Document(id=pid, fingerprint=fingerprint(title, text),
                                                             body=f"{title} {text}"))
                    added += len(rows)
            finally:
                self.db.execute("COMMIT")
            if added:
                writer.commit()
                writer.wait_merging_threads()
            else:
                writer.rollback()
        except BaseException:
            writer.rollback()
            raise
        finally:
            del writer  # releases the lock
        if added:
            log.info("lexical index %s: %d passages added in %.1f s", self.path, added,
                     time.perf_counter() - started)
        index.reload()
        self.index, self.upto, self._data_version, self._behind = index, self._upto(index), None, False
        return added

    def written(self) -> None:
        self._data_version = None

    # -- search ---------------------------------------------------------------------------------
    def ready(self, writable: bool) -> bool:
        """Whether the index holds every committed passage (adding the missing ones when it may)."""
        if self.index is None:
            return False
        version = self.db.execute("PRAGMA data_version").fetchone()[0]
        if version != self._data_version:
            self._data_version = version
            self.index.reload()
            self.upto = self._upto(self.index)
            newest = self.db.execute("SELECT MAX(id) FROM passages").fetchone()[0] or 0
            self._behind = newest > self.upto
            if self._behind and writable:
                self._add()
        return not self._behind

    def search(self, query: str, limit: int) -> list[tuple[int, float]]:
        """BM25 top `limit` of the query's content words, sorted by (-score, id)."""
        tantivy = _tantivy()
        clauses = []
        for pieces in query_words(query):
            text = pieces[0] if len(pieces) == 1 else '"' + " ".join(pieces) + '"'
            try:
                clauses.append((tantivy.Occur.Should, self.index.parse_query(text, ["body"])))
            except ValueError:  # a word the parser refuses cannot be found
                continue
        if not clauses:
            return []
        searcher = self.index.searcher()
        hits = searcher.search(tantivy.Query.boolean_query(clauses), limit + 10).hits
        found = [(int(searcher.doc(address)["id"][0]), float(score)) for score, address in hits]
        return sorted(found, key=lambda item: (-item[1], item[0]))[:limit]
