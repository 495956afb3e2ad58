"""The PostgreSQL store's searches.

- Lexical: each passage's title and text as a tsvector (english config) under a GIN index, ranked by BM25
  with the passage's terms counted once (passages are a few sentences long, so a term seldom recurs). A
  top-k OR query over common words matches a large part of a big collection; ranking every match is what
  makes SQLite's FTS5 OR-ranking slow at 1M passages. Here the terms are taken rarest first (document
  frequencies from the `lexemes` table) and only the rarest, up to a budget of summed document frequency,
  bring candidate passages; every term of the query then scores those candidates. The top passages by BM25
  nearly always hold a rare term, so the cost is bounded by the budget, not by the collection
  (benchmarks/pg_scale.py measures the overlap with scoring every match).
- Dense: halfvec (2 bytes a dimension) under an HNSW index (inner product); `hnsw.ef_search` is set per
  query to max(ef_search, limit). Approximate: recall@10 against exact search is measured by the benchmark.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..text import UNSPACED, content_words, unspaced_trigrams
from .postgres_link import PostgresConnections

K1, B = 1.2, 0.75  # BM25
CANDIDATE_BUDGET = 3_000  # summed document frequency of the terms that bring candidates (see lexical)
CANDIDATE_CAP = 6_000  # passages scored at most when even the rarest term is more common than the budget
EF_SEARCH_MAX = 1000  # pgvector's upper bound for hnsw.ef_search; a larger setting is clamped to it
# The index is asked for TIE_ROOM times the passages wanted, and the smallest ids are kept among the equal scores it
# returns, as exact search and the SQLite store keep them (a collection that repeats a sentence has passages with
# one vector). A run of equal scores longer than that room comes back in the index's own order, not by id.
TIE_ROOM = 2
EF_SEARCH = 800  # HNSW candidate list at query time (setting pg_ef_search; see benchmarks/pg_scale.py)


@dataclass(frozen=True)
class QueryTerms:
    """What a lexical query looks up: content words (stemmed by the english config in SQL), 5-letter prefixes
    of the long ones (to forgive typos), and the three-character pieces of unspaced scripts (matched as they
    are, as they are indexed: see `passage_tsvector`)."""

    words: list[str]
    prefixes: list[str]
    grams: list[str]


def query_terms(text: str) -> QueryTerms:
    """The terms of a query, as the SQLite store's fts_query and cjk_query take them."""
    words: list[str] = []
    prefixes: list[str] = []
    for word in content_words(UNSPACED.sub(" ", text)):
        word = re.sub(r"[^\w]", "", word.lower())
        if not word:
            continue
        words.append(word)
        if len(word) >= 7:
            prefixes.append(word[:5])
    return QueryTerms(list(dict.fromkeys(words)), list(dict.fromkeys(prefixes)), unspaced_trigrams(text))


# a passage's tsvector: its title and text under the english config, plus the three-character pieces of any
# unspaced script in them (Chinese, Japanese, Thai: the parser keeps a whole run as one word, so no part of it
# could be found otherwise). Parameters: the title and text, then the pieces.
PASSAGE_TSVECTOR = "to_tsvector('english', ?) || array_to_tsvector(?::text[])"  # `?`: for a sql.Session


def tsquery_term(lexeme: str, prefix: bool) -> str:
    quoted = "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"
    return quoted + (":*" if prefix else "")


class PostgresSearch(PostgresConnections):
    """Mixed into PostgresStore: searches read through `_read` (the read replica when one is set)."""

    dimension: int
    ef_search: int
    candidate_budget: int

    def lexical(self, query: str, limit: int, *, exhaustive: bool = False,
                document_ids: list[int] | None = None) -> list[tuple[int, float]]:
        """BM25 top-k of an OR query of the content words (and prefixes of long words). exhaustive=True scores
        every passage that matches any term (for measuring the pruning, not for serving); document_ids keeps
        the passages of those documents only (`check --web-only`)."""
        budget = None if exhaustive else self.candidate_budget
        wanted = query_terms(query)
        if not (wanted.words or wanted.grams):
            return []

        def run(db: Any) -> list[Any]:
            terms = db.execute(
                "SELECT t.term, t.prefix, CASE WHEN t.prefix THEN (SELECT COALESCE(sum(df), 0)::bigint FROM lexemes "
                "WHERE lexeme >= t.term AND lexeme < t.term || chr(1114111)) ELSE COALESCE((SELECT df FROM "
                "lexemes WHERE lexeme = t.term), 0) END AS df, s.passages, s.lexemes FROM "
                "(SELECT DISTINCT unnest(tsvector_to_array(to_tsvector('english', w))) AS term, false AS prefix "
                "FROM unnest(%s::text[]) w UNION SELECT p, true FROM unnest(%s::text[]) p UNION SELECT g, false FROM "
                "unnest(%s::text[]) g) t, search_stats s ORDER BY df, t.term, t.prefix",
                (wanted.words, wanted.prefixes, wanted.grams)).fetchall()
            terms = [t for t in terms if t[2] > 0]
            if not terms:
                return []
            n, total = max(int(terms[0][3]), 1), max(int(terms[0][4]), 1)
            weights = [math.log(1 + (n - min(df, n) + 0.5) / (min(df, n) + 0.5)) for _, _, df, _, _ in terms]
            queries = [tsquery_term(term, prefix) for term, prefix, _, _, _ in terms]
            if budget is None:
                candidates, cap = " | ".join(queries), None
            else:
                chosen: list[str] = []
                summed = 0
                for q, (_, _, df, _, _) in zip(queries, terms):
                    if chosen and summed + df > budget:
                        break
                    chosen.append(q)
                    summed += df
                candidates, cap = " | ".join(chosen), (CANDIDATE_CAP if summed > budget else None)
            score = " + ".join(f"CASE WHEN tsv @@ %s::tsquery THEN {w!r} ELSE 0 END" for w in weights)
            scope = " AND document_id = ANY(%s)" if document_ids is not None else ""
            sql = (f"WITH c AS MATERIALIZED (SELECT id, tsv FROM passages WHERE tsv @@ %s::tsquery{scope}"
                   f"{' LIMIT ' + str(cap) if cap else ''}) "
                   f"SELECT id, ({score}) * {K1 + 1!r} / (1 + {K1!r} * (1 - {B!r} + {B!r} * length(tsv) / "
                   f"{total / n!r})) AS score FROM c ORDER BY score DESC, id LIMIT %s")
            params: list[Any] = [candidates, *([list(document_ids)] if document_ids is not None else []), *queries,
                                 limit]
            return list(db.execute(sql, params).fetchall())

        rows = self._read(run)
        return [(int(r[0]), float(r[1])) for r in rows]

    def dense(self, vector: np.ndarray, limit: int, *, exact: bool = False) -> list[tuple[int, float]]:
        """Top-k inner product through the HNSW index (approximate); exact=True scans every vector (for
        measuring recall). Equal scores keep the smaller id, through the index within TIE_ROOM."""
        from pgvector import HalfVector

        query = HalfVector(np.asarray(vector, dtype=np.float32))
        wanted = limit * TIE_ROOM

        def run(db: Any) -> list[Any]:
            if exact:
                db.execute("SET LOCAL enable_indexscan = off")
                return list(db.execute("SELECT id, -(vector <#> %s) AS score FROM passages ORDER BY vector <#> %s, "
                                       "id LIMIT %s", (query, query, limit)).fetchall())
            db.execute(f"SET LOCAL hnsw.ef_search = {min(max(int(self.ef_search), wanted), EF_SEARCH_MAX)}")
            return list(db.execute("SELECT id, -(vector <#> %s) AS score FROM passages ORDER BY vector <#> %s "
                                   "LIMIT %s", (query, query, wanted)).fetchall())

        rows = self._read(run, second=True)
        return sorted(((int(r[0]), float(r[1])) for r in rows), key=lambda item: (-item[1], item[0]))[:limit]

    def scope_lexical(self, query: str, limit: int, document_ids: list[int]) -> list[tuple[int, float]]:
        if not document_ids:
            return []
        return self.lexical(query, limit, exhaustive=True, document_ids=document_ids)

    def scope_vectors(self, document_ids: list[int]) -> tuple[np.ndarray, np.ndarray]:
        with self._db() as db:
            rows = db.execute("SELECT id, vector FROM passages WHERE document_id = ANY(%s) ORDER BY id",
                              (list(document_ids),)).fetchall()
        ids = np.array([r[0] for r in rows], dtype=np.int64)
        matrix = (np.array([r[1].to_numpy() for r in rows], dtype=np.float32).reshape(len(rows), self.dimension)
                  if rows else np.zeros((0, self.dimension), dtype=np.float32))
        return ids, matrix
