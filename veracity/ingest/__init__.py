"""Files and folders -> documents in the store: extract, clean, dedupe, chunk, embed, write."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import InputError
from ..text import clean_text
from .chunk import chunk
from .dedupe import content_hash, signature
from .extract import SUFFIXES, RawDocument, read_file


@dataclass
class IngestSummary:
    files: int = 0
    added: int = 0
    duplicates: int = 0
    passages: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, one-line reason)


def expand(paths: Iterable[Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Files to read (folders walked in sorted order) and the inputs that do not exist."""
    files: list[Path] = []
    missing: list[tuple[str, str]] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES
                            and not any(part.startswith(".") for part in p.relative_to(path).parts))
        elif path.is_file():
            files.append(path)
        else:
            missing.append((str(path), f"{path}: no such file or folder"))
    return files, missing


def prepare(raw: RawDocument, embedder, passage_chars: int):
    """A RawDocument -> the NewDocument the store writes, or None when nothing is left after cleaning."""
    from ..store.base import NewDocument

    text = clean_text(raw.text)
    if len(text.split()) < 3:
        return None
    chunks = chunk(text, passage_chars)
    spans = [s for c in chunks for s in c.sentences]
    vectors = embedder.embed([text[s.start:s.end] for s in spans])
    sentence_vectors, passage_vectors, at = [], [], 0
    for c in chunks:
        block = vectors[at:at + len(c.sentences)]
        at += len(c.sentences)
        mean = block.mean(axis=0)
        passage_vectors.append(mean / max(float(np.linalg.norm(mean)), 1e-12))
        sentence_vectors.append(block)
    return NewDocument(title=raw.title.strip() or "untitled", location=raw.location, publisher=raw.publisher,
                       published=raw.published, content_hash=content_hash(text), text=text,
                       signature=signature(text), passages=[(c.start, c.end, c.sentences) for c in chunks],
                       passage_vectors=np.array(passage_vectors, dtype=np.float32), sentence_vectors=sentence_vectors)


def ingest(paths: Iterable[Path], *, store, embedder, settings,
           progress: Callable[[str, int, int], None] | None = None) -> IngestSummary:
    """Add documents; each is written in its own transaction, so an interrupted run can simply be rerun."""
    files, missing = expand([Path(p) for p in paths])
    summary = IngestSummary(files=len(files), skipped=list(missing))
    for number, path in enumerate(files, 1):
        if progress:
            progress(str(path), number, len(files))
        try:
            raws = read_file(path, settings.max_file_bytes)
        except InputError as exc:
            summary.skipped.append((str(path), str(exc)))
            continue
        for raw in raws:
            if store.has_document(content_hash(clean_text(raw.text))):
                summary.duplicates += 1
                continue
            doc = prepare(raw, embedder, settings.passage_chars)
            if doc is None:
                summary.skipped.append((raw.location, f"{raw.location}: no text left after removing boilerplate"))
                continue
            store.add_document(doc, settings.near_duplicate_jaccard)
            summary.added += 1
            summary.passages += len(doc.passages)
    return summary
