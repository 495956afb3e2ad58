"""Clean text -> sentence spans -> passages (whole sentences, offsets into the document text)."""

from __future__ import annotations

from dataclasses import dataclass

from ..text import sentence_spans
from ..types import Span


@dataclass(frozen=True)
class Chunk:
    start: int
    end: int
    sentences: tuple[Span, ...]


def chunk(text: str, target_chars: int) -> list[Chunk]:
    chunks: list[Chunk] = []
    current: list[Span] = []
    for span in sentence_spans(text):
        if current:
            length = span.end - current[0].start
            new_paragraph = "\n" in text[current[-1].end:span.start]
            if length > target_chars or (new_paragraph and current[-1].end - current[0].start > target_chars // 2):
                chunks.append(Chunk(current[0].start, current[-1].end, tuple(current)))
                current = []
        current.append(span)
    if current:
        chunks.append(Chunk(current[0].start, current[-1].end, tuple(current)))
    return chunks
