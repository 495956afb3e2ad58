"""Sentences: their spans in a text, never longer than MAX_SENTENCE_CHARS."""

from __future__ import annotations


import sentencex

from ..types import Span


MAX_SENTENCE_CHARS = 1000  # a longer "sentence" (a table, a line with no full stop) is cut at spaces


def bounded(start: int, end: int, text: str, limit: int = MAX_SENTENCE_CHARS) -> list[Span]:
    """The span start:end, cut into pieces of at most `limit` characters, at the last space before the limit
    when there is one (else hard). Whatever the input, no sentence (and so no passage) grows without bound."""
    spans: list[Span] = []
    while end - start > limit:
        cut = text.rfind(" ", start + limit // 2, start + limit)
        cut = cut if cut > start else start + limit
        piece = text[start:cut].rstrip()
        if piece:
            spans.append(Span(start, start + len(piece)))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        spans.append(Span(start, end))
    return spans


def sentence_spans(text: str) -> list[Span]:
    """Sentences as character spans into text, line by line (a line break always ends a sentence), from
    sentencex's rule-based boundaries (abbreviations, initials, decimals and ellipses do not end one). A line is
    split into pieces of MAX_SENTENCE_CHARS at most before sentencex sees it, and so is any sentence."""
    spans: list[Span] = []
    offset = 0
    for line in text.split("\n"):
        if line.strip():
            for piece_span in bounded(0, len(line), line, 20 * MAX_SENTENCE_CHARS):
                part = line[piece_span.start:piece_span.end]
                for b in sentencex.get_sentence_boundaries("en", part):
                    start, end = piece_span.start + b["start_index"], piece_span.start + b["end_index"]
                    piece = line[start:end]
                    lead = len(piece) - len(piece.lstrip())
                    piece = piece.strip()
                    if piece:
                        spans += [Span(offset + s.start, offset + s.end)
                                  for s in bounded(start + lead, start + lead + len(piece), line)]
        offset += len(line) + 1
    return spans
