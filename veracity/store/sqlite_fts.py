"""Queries for the SQLite store's full-text indexes: FTS5 with unicode61 for spaced scripts, trigram for
unspaced ones (Chinese, Japanese, Thai). Shared by the store and its web archive."""

from __future__ import annotations

import re

from ..text import UNSPACED, content_words, unspaced_trigrams, without_possessive


def fts_query(text: str) -> str:
    """An OR query of the content words for the unicode61 index. A word the tokenizer splits ("Sun-Times",
    "574.5", "20,000", "O'Hare") becomes the phrase of its pieces ("sun times"), which is how the index holds
    it; a possessive is dropped ("Chicago's" -> "chicago"); long one-piece words also match by prefix to forgive
    typos. Runs of unspaced scripts (Chinese, Japanese, Thai) are left to cjk_query."""
    terms: list[str] = []
    for word in content_words(UNSPACED.sub(" ", text)):
        pieces = re.findall(r"[^\W_]+", without_possessive(word).lower())
        if not pieces:
            continue
        terms.append('"' + " ".join(pieces) + '"')
        if len(pieces) == 1 and len(pieces[0]) >= 7:
            terms.append(f'"{pieces[0][:5]}"*')
    return " OR ".join(dict.fromkeys(terms))


def cjk_query(text: str) -> str:
    """An OR query of the three-character pieces of the text's unspaced runs, for the trigram index (a run of
    one or two characters cannot be matched there and is left out)."""
    return " OR ".join(f'"{g}"' for g in unspaced_trigrams(text))
