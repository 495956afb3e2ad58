"""Files -> raw documents (title, location, publisher, date, text). One function per format."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..factcheck import ClaimReview, parse_claim_reviews, ruling_reviews

SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".jsonl"}


@dataclass(frozen=True)
class RawDocument:
    title: str
    location: str
    text: str
    publisher: str | None = None
    published: str | None = None
    reviews: tuple[ClaimReview, ...] = ()  # a fact-check article's rulings


def parse_date(value: object) -> str | None:
    """YYYY-MM-DD from an ISO-like date string, or None."""
    if not value:
        return None
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", str(value).strip())
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3])).isoformat()
    except ValueError:
        return None


def decode(path: Path, data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise InputError(f"{path}: binary file, not text")
    for encoding in ("utf-8-sig", "utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig",):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(f"{path}: not valid UTF-8 text; convert it to UTF-8 first")


_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)


def read_text_file(path: Path, data: bytes) -> list[RawDocument]:
    """.txt and .md; an optional front-matter block (---, key: value lines, ---) gives metadata."""
    text = decode(path, data).replace("\r\n", "\n")
    meta: dict[str, str] = {}
    match = _FRONT_MATTER.match(text)
    if match:
        for line in match[1].splitlines():
            key, _, value = line.partition(":")
            meta[key.strip().lower()] = value.strip().strip('"')
        text = text[match.end():]
    title = meta.get("title") or next((ln.strip().lstrip("# ") for ln in text.splitlines() if ln.strip()), path.stem)
    return [RawDocument(title=title[:300], location=meta.get("url") or str(path), text=text,
                        publisher=meta.get("publisher") or None, published=parse_date(meta.get("published")))]


def read_html(path: Path, data: bytes) -> list[RawDocument]:
    import trafilatura

    html = decode(path, data)
    if "<" not in html:
        raise InputError(f"{path}: no HTML markup found")
    try:
        result = trafilatura.bare_extraction(html, include_comments=False, include_tables=False,
                                             favor_precision=True, with_metadata=True)
    except Exception as exc:  # trafilatura/lxml raise many kinds on broken markup
        raise InputError(f"{path}: malformed HTML ({exc})") from exc
    if result is None or isinstance(result, dict) or not (result.text or "").strip():
        raise InputError(f"{path}: no article text found in the HTML")
    text: str = result.text or ""
    title: str = (result.title or path.stem)[:300]
    url: str | None = result.url or None
    publisher: str | None = result.sitename or None
    published = parse_date(result.date)
    # a fact-check article: its ClaimReview markup, or else the rulings its prose states about its title's claim
    reviews = parse_claim_reviews(html) or ruling_reviews(text, title, publisher=publisher, published=published,
                                                         url=url)
    return [RawDocument(title=title, location=url or str(path), text=text, publisher=publisher,
                        published=published, reviews=tuple(reviews))]


def read_pdf(path: Path, data: bytes) -> list[RawDocument]:
    import io
    import logging

    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        text = "\n".join((page.extract_text() or "") for page in reader.pages)
        info: Any = reader.metadata or {}
        title = (info.get("/Title") or "").strip() if info else ""
        created = info.get("/CreationDate") if info else None
    except Exception as exc:  # pypdf raises several unrelated types on broken files
        raise InputError(f"{path}: malformed PDF ({type(exc).__name__}: {exc})") from exc
    published = None
    if created and re.match(r"D:\d{8}", str(created)):
        raw = str(created)[2:10]
        published = parse_date(f"{raw[:4]}-{raw[4:6]}-{raw[6:8]}")
    return [RawDocument(title=title or path.stem, location=str(path), text=text, published=published)]


def read_jsonl(path: Path, data: bytes) -> list[RawDocument]:
    docs = []
    for number, line in enumerate(decode(path, data).splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc
        if not isinstance(row, dict) or not isinstance(row.get("text"), str):
            raise InputError(f"{path}:{number}: each line needs an object with a string 'text'")
        docs.append(RawDocument(title=str(row.get("title") or f"{path.stem} #{number}")[:300],
                                location=str(row.get("url") or f"{path}#{number}"), text=row["text"],
                                publisher=row.get("publisher") or None, published=parse_date(row.get("published"))))
    return docs


READERS = {".txt": read_text_file, ".md": read_text_file, ".markdown": read_text_file, ".html": read_html,
           ".htm": read_html, ".pdf": read_pdf, ".jsonl": read_jsonl}


def read_file(path: Path, max_bytes: int) -> list[RawDocument]:
    """Raw documents of one file; InputError with a one-line reason when the file cannot be used."""
    suffix = path.suffix.lower()
    if suffix not in READERS:
        raise InputError(f"{path}: unsupported file type {suffix or '(none)'}; use one of {', '.join(sorted(SUFFIXES))}")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(f"{path}: {size} bytes is over the {max_bytes}-byte limit (VERACITY_MAX_FILE_BYTES)")
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc
    if not data.strip():
        raise InputError(f"{path}: empty file")
    return READERS[suffix](path, data)
