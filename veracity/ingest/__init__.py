"""Files and folders -> documents in the store: extract, clean, dedupe, chunk, embed, write."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import InputError
from ..text import clean_text
from .chunk import chunk
from ..dedupe import content_hash, signature
from ..store.base import NewDocument
from .extract import SUFFIXES, RawDocument, read_file

if TYPE_CHECKING:
    from ..embed import Embedder
    from ..settings import Settings
    from ..store.base import Store


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


BATCH_SENTENCES = 2048  # documents embedded (and written) together: long runs sorted by length pad little


def prepare(raws: list[RawDocument], embedder: Embedder, passage_chars: int,
            texts: list[str] | None = None) -> list[NewDocument | None]:
    """RawDocuments -> the NewDocuments the store writes (None where nothing is left after cleaning).
    texts are the cleaned texts when the caller has them already. The sentences of all the documents go
    to the embedder in one call, so short documents share batches."""
    texts = texts if texts is not None else [clean_text(raw.text) for raw in raws]
    chunked = [chunk(text, passage_chars) if len(text.split()) >= 3 else None for text in texts]
    sentences = [text[s.start:s.end] for text, chunks in zip(texts, chunked) if chunks
                 for c in chunks for s in c.sentences]
    vectors = embedder.embed(sentences) if sentences else np.zeros((0, 0), dtype=np.float32)
    out: list[NewDocument | None] = []
    at = 0
    for raw, text, chunks in zip(raws, texts, chunked):
        if not chunks:
            out.append(None)
            continue
        sentence_vectors, passage_vectors = [], []
        for c in chunks:
            block = vectors[at:at + len(c.sentences)]
            at += len(c.sentences)
            mean = block.mean(axis=0)
            passage_vectors.append(mean / max(float(np.linalg.norm(mean)), 1e-12))
            sentence_vectors.append(block)
        out.append(NewDocument(
            title=raw.title.strip() or "untitled", location=raw.location, publisher=raw.publisher,
            published=raw.published, content_hash=content_hash(text), text=text, signature=signature(text),
            passages=[(c.start, c.end, c.sentences) for c in chunks],
            passage_vectors=np.array(passage_vectors, dtype=np.float32), sentence_vectors=sentence_vectors,
            reviews=raw.reviews))
    return out


def batches(raws: list[RawDocument]) -> Iterator[list[RawDocument]]:
    """Consecutive runs of documents holding about BATCH_SENTENCES sentences (a rough count by full stops)."""
    batch: list[RawDocument] = []
    size = 0
    for raw in raws:
        batch.append(raw)
        size += raw.text.count(". ") + 1
        if size >= BATCH_SENTENCES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def ingest(paths: Iterable[Path], *, store: Store, embedder: Embedder, settings: Settings,
           progress: Callable[[str, int, int], None] | None = None) -> IngestSummary:
    """Add documents; each batch is written in one transaction (all or none), so an interrupted run can simply
    be rerun: it skips what is stored and adds the rest. progress(path, done, total) is called as each file
    starts and after each batch, in bytes of input: a large .jsonl file moves the bar as its batches land."""
    files, missing = expand([Path(p) for p in paths])
    summary = IngestSummary(files=len(files), skipped=list(missing))
    sizes = [size_of(path) for path in files]
    total, before = sum(sizes), 0
    for path, size in zip(files, sizes):
        if progress:
            progress(str(path), before, total)
        try:
            raws = read_file(path, settings.max_file_bytes)
        except InputError as exc:
            summary.skipped.append((str(path), str(exc)))
            before += size
            continue
        seen: set[str] = set()
        done = 0
        for batch in batches(raws):
            fresh, cleaned = [], []
            for raw in batch:
                text = clean_text(raw.text)
                digest = content_hash(text)
                if digest in seen or store.has_document(digest):
                    summary.duplicates += 1
                else:
                    seen.add(digest)
                    fresh.append(raw)
                    cleaned.append(text)
            ready = []
            for raw, doc in zip(fresh, prepare(fresh, embedder, settings.passage_chars, cleaned)):
                if doc is None:
                    summary.skipped.append((raw.location, f"{raw.location}: no text left after removing boilerplate"))
                else:
                    ready.append(doc)
            store.add_documents(ready, settings.near_duplicate_jaccard)  # one transaction per batch
            summary.added += len(ready)
            summary.passages += sum(len(doc.passages) for doc in ready)
            done += len(batch)
            if progress:
                progress(str(path), before + size * done // len(raws), total)
        before += size
    if progress and files:
        progress(str(files[-1]), total, total)
    return summary


def size_of(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # read_file reports it
