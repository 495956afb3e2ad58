"""Files and folders -> documents in the store: extract, clean, dedupe, chunk, embed, write."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..errors import InputError
from ..text import UNSPACED, clean_text, published_in_text, strip_controls
from .chunk import chunk
from ..dedupe import content_hash, signature
from ..store.base import NewDocument
from .extract import SUFFIXES, Problem, RawDocument, read_file

if TYPE_CHECKING:
    from ..embed import Embedder
    from ..settings import Settings
    from ..store.base import Store


@dataclass
class IngestSummary:
    files: int = 0
    added: int = 0
    duplicates: int = 0  # already in the store (or stored by another process while this one ran)
    passages: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path or path:line, one-line reason)
    warnings: list[str] = field(default_factory=list)  # kept, with a caveat (a `published` that is not a date)
    ignored: list[str] = field(default_factory=list)  # one line per folder: files of types veracity does not read


def expand(paths: Iterable[Path]) -> tuple[list[Path], list[tuple[str, str]], list[str]]:
    """Files to read (folders walked in sorted order), the inputs that do not exist, and for each folder with
    files of unsupported types one line naming them (hidden files and folders are passed over silently)."""
    files: list[Path] = []
    missing: list[tuple[str, str]] = []
    ignored: list[str] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file()
                           and not any(part.startswith(".") for part in p.relative_to(path).parts))
            files += [p for p in found if p.suffix.lower() in SUFFIXES]
            other = [p for p in found if p.suffix.lower() not in SUFFIXES]
            if other:
                kinds = Counter(p.suffix.lower() or "(no suffix)" for p in other)
                names = ", ".join(p.name for p in other[:5]) + (", ..." if len(other) > 5 else "")
                ignored.append(f"{path}: {len(other)} file{'s' * (len(other) != 1)} of unsupported types ("
                               + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())) + f": {names}); "
                               f"veracity reads {', '.join(sorted(SUFFIXES))}")
        elif path.is_file():
            files.append(path)
        else:
            missing.append((str(path), f"{path}: no such file or folder"))
    return files, missing, ignored


BATCH_SENTENCES = 2048  # documents embedded (and written) together: long runs sorted by length pad little
PROGRESS_SENTENCES = 256  # with a progress callback, sentences embedded at a time between two reports


def embed_sentences(embedder: Embedder, sentences: list[str],
                    progress: Callable[[int, int], None] | None = None) -> np.ndarray:
    """The sentences' vectors; with progress, embedded PROGRESS_SENTENCES at a time, in order of length (so the
    embedder's batches pad as little as in one call), and progress(done, total) called after each slice. A vector
    does not depend on what else is in its batch (tests/test_embed.py), so they are the same either way."""
    if not sentences:
        return np.zeros((0, 0), dtype=np.float32)
    if progress is None or len(sentences) <= PROGRESS_SENTENCES:
        vectors = embedder.embed(sentences)
        if progress is not None:
            progress(len(sentences), len(sentences))
        return vectors
    order = sorted(range(len(sentences)), key=lambda i: (len(sentences[i]), i))
    out: np.ndarray | None = None
    for at in range(0, len(order), PROGRESS_SENTENCES):
        rows = order[at:at + PROGRESS_SENTENCES]
        part = embedder.embed([sentences[i] for i in rows])
        if out is None:
            out = np.zeros((len(sentences), part.shape[1]), dtype=part.dtype)
        out[rows] = part
        progress(at + len(rows), len(sentences))
    assert out is not None
    return out


def prepare(raws: list[RawDocument], embedder: Embedder, passage_chars: int,
            texts: list[str] | None = None,
            progress: Callable[[int, int], None] | None = None) -> list[NewDocument | None]:
    """RawDocuments -> the NewDocuments the store writes (None where nothing is left after cleaning).
    texts are the cleaned texts when the caller has them already. The sentences of all the documents go
    to the embedder in one call, so short documents share batches; progress(sentences done, sentences) is called
    as they are embedded."""
    texts = texts if texts is not None else [clean_text(raw.text) for raw in raws]
    chunked = [chunk(text, passage_chars) if substantial(text) else None for text in texts]
    sentences = [text[s.start:s.end] for text, chunks in zip(texts, chunked) if chunks
                 for c in chunks for s in c.sentences]
    vectors = embed_sentences(embedder, sentences, progress)
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
            title=" ".join(strip_controls(raw.title).split()) or "untitled", location=strip_controls(raw.location),
            publisher=strip_controls(raw.publisher) if raw.publisher else None,
            published=raw.published or published_in_text(raw.text), content_hash=content_hash(text), text=text, signature=signature(text),
            passages=[(c.start, c.end, c.sentences) for c in chunks],
            passage_vectors=np.array(passage_vectors, dtype=np.float32), sentence_vectors=sentence_vectors,
            reviews=raw.reviews))
    return out


def substantial(text: str) -> bool:
    """Enough text to store: three words, or six characters of a script written without spaces."""
    return len(text.split()) >= 3 or sum(len(run) for run in UNSPACED.findall(text)) >= 6


def batches(items: Iterator[RawDocument | Problem]) -> Iterator[list[RawDocument | Problem]]:
    """Consecutive runs of items holding about BATCH_SENTENCES sentences (a rough count: 100 characters each), taken
    from the reader as they come: memory holds one batch, whatever the size of the file."""
    batch: list[RawDocument | Problem] = []
    size = 0
    for item in items:
        batch.append(item)
        if isinstance(item, RawDocument):
            size += len(item.text) // 100 + 1
        if size >= BATCH_SENTENCES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def ingest(paths: Iterable[Path], *, store: Store, embedder: Embedder, settings: Settings,
           progress: Callable[[str, int, int], None] | None = None) -> IngestSummary:
    """Add documents; each batch is written in one transaction (all or none), so an interrupted run can simply
    be rerun: it skips what is stored and adds the rest. Files are read as streams, a batch at a time.
    progress(path, done, total) is called as each file starts, as a batch's sentences are embedded (the bytes
    of the batch counted in proportion) and after each batch, in bytes of input."""
    files, missing, ignored = expand([Path(p) for p in paths])
    summary = IngestSummary(files=len(files), skipped=list(missing), ignored=ignored)
    sizes = [size_of(path) for path in files]
    total, before = sum(sizes), 0
    for path, size in zip(files, sizes):
        if progress:
            progress(str(path), before, total)
        seen: set[str] = set()
        at = 0  # bytes of this file done
        try:
            for batch in batches(read_file(path, settings.max_file_bytes)):
                offsets = [item.offset for item in batch if isinstance(item, RawDocument)]
                end = min(offsets[-1], size) if offsets else at
                step = None
                if progress is not None and end > at:
                    def step(done: int, count: int, start: int = before + at, span: int = end - at,
                             name: str = str(path)) -> None:
                        progress(name, start + span * done // max(count, 1), total)
                add_batch(batch, seen, store, embedder, settings, summary, step)
                if progress and offsets:
                    progress(str(path), before + end, total)
                at = max(at, end)
        except InputError as exc:
            summary.skipped.append((str(path), str(exc)))
        before += size
    if progress and files:
        progress(str(files[-1]), total, total)
    return summary


def add_batch(batch: list[RawDocument | Problem], seen: set[str], store: Store, embedder: Embedder,
              settings: Settings, summary: IngestSummary, progress: Callable[[int, int], None] | None = None) -> None:
    """Clean, dedupe, embed and write one batch (one transaction); progress(sentences embedded, sentences)."""
    fresh, cleaned = [], []
    for item in batch:
        if isinstance(item, Problem):
            if item.kept:
                summary.warnings.append(item.reason)
            else:
                summary.skipped.append((item.location, item.reason))
            continue
        text = clean_text(item.text)
        digest = content_hash(text)
        if digest in seen or store.has_document(digest):
            summary.duplicates += 1
        else:
            seen.add(digest)
            fresh.append(item)
            cleaned.append(text)
    ready = []
    for raw, doc in zip(fresh, prepare(fresh, embedder, settings.passage_chars, cleaned, progress)):
        if doc is None:
            summary.skipped.append((raw.location, f"{strip_controls(raw.location)}: no text left after removing "
                                                  "boilerplate"))
        else:
            ready.append(doc)
    ids = store.add_documents(ready, settings.near_duplicate_jaccard)  # one transaction per batch
    added = [doc for doc, doc_id in zip(ready, ids) if doc_id is not None]
    summary.duplicates += len(ready) - len(added)  # stored by another process since has_document said no
    summary.added += len(added)
    summary.passages += sum(len(doc.passages) for doc in added)


def size_of(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # read_file reports it
