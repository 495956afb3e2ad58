"""Files and fetched pages -> documents (title, location, publisher, date, text). One function per format, and
the same readers for both: an HTML file and a fetched HTML page go through html_article, a PDF file and a
fetched PDF through pdf_content (read_page reads what a fetcher received, sources/base.py Fetched).

Text and JSONL files are read as a stream: a .jsonl file line by line, a .txt or .md file in parts of about
PART_CHARS characters (cut at a paragraph break where there is one), each part its own document. So a file of
any size is read in bounded memory, and no stored document is larger than a part.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

from ..errors import InputError
from ..text import headline
from ..factcheck import ClaimReview, parse_claim_reviews, ruling_reviews
from ..sources.base import Blocked, Fetched, Page, PageOutcome, Paywalled, Unextractable
from .encoding import decode_html, header_charset

SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".jsonl"}


@dataclass(frozen=True)
class RawDocument:
    title: str
    location: str
    text: str
    publisher: str | None = None
    published: str | None = None
    offset: int = 0  # bytes of the file read up to the end of this document (for progress)
    reviews: tuple[ClaimReview, ...] = ()  # a fact-check article's rulings


@dataclass(frozen=True)
class Problem:
    """Part of a file that could not be used as it is: a line left out (kept=False), or a document kept with a
    caveat (kept=True, e.g. a `published` value that is not a date). One line, naming where and why."""

    location: str  # path, or path:line
    reason: str
    kept: bool = False


Item = RawDocument | Problem


@dataclass(frozen=True)
class HtmlArticle:
    """What a page's HTML says of itself: its main text and metadata."""

    title: str
    text: str
    author: str | None
    publisher: str | None
    published: str | None
    url: str | None


def html_article(html: str, url: str | None = None) -> HtmlArticle | None:
    """The article of an HTML page, a local file's or a fetched one's alike (trafilatura), or None when it has no
    article text. The date is the one its markup or URL gives (htmldate without its extensive search: a year
    inside a sentence, "in the year 2024", is not the page's date); ingest falls back to a dateline in the text."""
    import trafilatura

    result: Any = trafilatura.bare_extraction(html, url=url, include_comments=False, include_tables=False,
                                              favor_precision=True, with_metadata=True,
                                              date_extraction_params={"extensive_search": False,
                                                                      "original_date": True})
    if result is None or isinstance(result, dict) or not (result.text or "").strip():
        return None
    return HtmlArticle(title=result.title or "", text=result.text, author=result.author or None,
                       publisher=result.sitename or None, published=parse_date(result.date), url=result.url or None)


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


def date_problem(value: object, where: str) -> Problem | None:
    """A kept-with-caveat Problem when a published value is given but is not a date."""
    if value in (None, "") or parse_date(value) is not None:
        return None
    shown = str(value)[:40]
    return Problem(where, f"{where}: published {shown!r} is not a date (YYYY-MM-DD); the document was kept "
                          "undated", kept=True)


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


PART_CHARS = 200_000  # a text file longer than this is stored as several documents ("title, part 2")
READ_BYTES = 1 << 20


def text_pieces(path: Path, stream: BinaryIO) -> Iterator[tuple[str, int]]:
    """(text, bytes read so far) in pieces of about PART_CHARS, cut after a blank line (else after a line break,
    else anywhere), decoded incrementally as UTF-8 (or UTF-16 with a byte-order mark)."""
    head = stream.read(4096)
    if b"\x00" in head and head[:2] not in (b"\xff\xfe", b"\xfe\xff"):
        raise InputError(f"{path}: binary file, not text")
    decoder = codecs.getincrementaldecoder("utf-16" if head[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig")()
    buffer, read, data = "", 0, head
    while True:
        try:
            buffer += decoder.decode(data, final=not data)
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: not valid UTF-8 text (near byte {read + exc.start}); convert it to UTF-8 "
                             "first") from exc
        read += len(data)
        while len(buffer) > PART_CHARS:
            cut = buffer.rfind("\n\n", PART_CHARS // 2, PART_CHARS)
            cut = cut + 2 if cut >= 0 else buffer.rfind("\n", PART_CHARS // 2, PART_CHARS) + 1 or PART_CHARS
            yield buffer[:cut], read
            buffer = buffer[cut:]
        if not data:
            break
        data = stream.read(READ_BYTES)
    if buffer:
        yield buffer, read


def read_text_file(path: Path, stream: BinaryIO) -> Iterator[Item]:
    """.txt and .md; an optional front-matter block (---, key: value lines, ---) gives metadata. A file of more
    than PART_CHARS characters becomes several documents, "title, part N" at "path#part-N"."""
    pieces = text_pieces(path, stream)
    first = next(pieces, None)
    if first is None or not first[0].strip():
        raise InputError(f"{path}: empty file")
    text, offset = first[0].replace("\r\n", "\n"), first[1]
    meta: dict[str, str] = {}
    match = _FRONT_MATTER.match(text)
    if match:
        for line in match[1].splitlines():
            key, _, value = line.partition(":")
            meta[key.strip().lower()] = value.strip().strip('"')
        text = text[match.end():]
    title = meta.get("title") or headline(text, path.stem)  # the headline, not a first line like "Key Takeaways"
    location = meta.get("url") or str(path)
    problem = date_problem(meta.get("published"), str(path))
    if problem:
        yield problem
    base = RawDocument(title=title[:300], location=location, text=text, publisher=meta.get("publisher") or None,
                       published=parse_date(meta.get("published")), offset=offset)
    number = 1
    for text, offset in pieces:
        if number == 1:
            yield RawDocument(**{**base.__dict__, "title": f"{base.title[:280]}, part 1", "location": f"{location}#part-1"})
        number += 1
        yield RawDocument(**{**base.__dict__, "title": f"{base.title[:280]}, part {number}",
                             "location": f"{location}#part-{number}", "text": text, "offset": offset})
    if number == 1:
        yield base


def read_html(path: Path, stream: BinaryIO) -> Iterator[Item]:

    data = stream.read()
    if not data.strip():
        raise InputError(f"{path}: empty file")
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError(f"{path}: binary file, not text")
    html = decode_html(data)  # a byte-order mark, else the page's <meta charset>, else UTF-8, else a guess
    if "<" not in html:
        raise InputError(f"{path}: no HTML markup found")
    try:
        article = html_article(html)
    except Exception as exc:  # trafilatura/lxml raise many kinds on broken markup
        raise InputError(f"{path}: malformed HTML ({exc})") from exc
    if article is None:
        raise InputError(f"{path}: no article text found in the HTML")
    text, title = article.text, (article.title or path.stem)[:300]
    url, publisher, published = article.url, article.publisher, article.published
    # a fact-check article: its ClaimReview markup, or else the rulings its prose states about its title's claim
    reviews = parse_claim_reviews(html) or ruling_reviews(text, title, publisher=publisher, published=published,
                                                         url=url)
    yield RawDocument(title=title, location=url or str(path), text=text, publisher=publisher,
                      published=published, reviews=tuple(reviews), offset=len(data))


def pdf_content(data: bytes) -> tuple[str, str, str | None]:
    """(title, text of every page, published) of a PDF, a file's or a fetched one's alike; pypdf's errors pass."""
    import logging

    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join((page.extract_text() or "") for page in reader.pages)
    info: Any = reader.metadata or {}
    title = str(info.get("/Title") or "").strip() if info else ""
    created = info.get("/CreationDate") if info else None
    published = None
    if created and re.match(r"D:\d{8}", str(created)):
        raw = str(created)[2:10]
        published = parse_date(f"{raw[:4]}-{raw[4:6]}-{raw[6:8]}")
    return title, text, published


def read_pdf(path: Path, stream: BinaryIO) -> Iterator[Item]:
    data = stream.read()
    if not data.strip():
        raise InputError(f"{path}: empty file")
    try:
        title, text, published = pdf_content(data)
    except Exception as exc:  # pypdf raises several unrelated types on broken files
        raise InputError(f"{path}: malformed PDF ({type(exc).__name__}: {exc})") from exc
    yield RawDocument(title=title or path.stem, location=str(path), text=text, published=published, offset=len(data))


def read_jsonl(path: Path, stream: BinaryIO) -> Iterator[Item]:
    """One document per line. A line that is not a JSON object with a string 'text' is left out (a Problem
    naming its line number) and the rest are kept; a `published` value that is not a date is reported."""
    head = stream.read(4096)
    if b"\x00" in head:
        raise InputError(f"{path}: binary file, not text")
    stream.seek(0)
    read, rows = 0, 0
    for number, raw_line in enumerate(stream, 1):
        read += len(raw_line)
        if not raw_line.strip():
            continue
        rows += 1
        where = f"{path}:{number}"
        try:
            row = json.loads(raw_line.decode("utf-8-sig" if number == 1 else "utf-8"))
        except UnicodeDecodeError:
            yield Problem(where, f"{where}: not valid UTF-8; line left out")
            continue
        except json.JSONDecodeError as exc:
            yield Problem(where, f"{where}: not valid JSON ({exc.msg}); line left out")
            continue
        if not isinstance(row, dict) or not isinstance(row.get("text"), str):
            yield Problem(where, f"{where}: needs an object with a string 'text'; line left out")
            continue
        problem = date_problem(row.get("published"), where)
        if problem:
            yield problem
        yield RawDocument(title=str(row.get("title") or f"{path.stem} #{number}")[:300],
                          location=str(row.get("url") or f"{path}#{number}"), text=row["text"],
                          publisher=str(row["publisher"]) if row.get("publisher") else None,
                          published=parse_date(row.get("published")), offset=read)
    if not rows:
        raise InputError(f"{path}: empty file")


READERS = {".txt": read_text_file, ".md": read_text_file, ".markdown": read_text_file, ".html": read_html,
           ".htm": read_html, ".pdf": read_pdf, ".jsonl": read_jsonl}


def unsupported(path: Path) -> str:
    suffix = path.suffix.lower()
    return f"{path}: unsupported file type {suffix or '(none)'}; use one of {', '.join(sorted(SUFFIXES))}"


def read_file(path: Path, max_bytes: int) -> Iterator[Item]:
    """Raw documents of one file, and Problems with parts of it, as the file is read; InputError with a
    one-line reason when the file cannot be used at all (raised as soon as that is known)."""
    suffix = path.suffix.lower()
    if suffix not in READERS:
        raise InputError(unsupported(path))
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(f"{path}: {size} bytes is over the {max_bytes}-byte limit (VERACITY_MAX_FILE_BYTES)")
        stream = path.open("rb")
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc
    with stream:
        try:
            yield from READERS[suffix](path, stream)
        except OSError as exc:
            raise InputError(f"{path}: cannot read ({exc.strerror})") from exc


# -- fetched pages -----------------------------------------------------------------------------------------
MIN_WORDS = 20  # a fetched page with fewer words is Unextractable
CAPTCHA = re.compile(r"captcha|are you a robot|are you human|verify you are (a )?human|access denied|"
                     r"unusual traffic|cf-challenge|checking your browser", re.IGNORECASE)
PAYWALL = re.compile(r"subscribe to (continue|read)|subscribers only|for subscribers|to continue reading,? "
                     r"(please )?(subscribe|log in|sign in)|already a subscriber|create a free account to (read|continue)",
                     re.IGNORECASE)
Article = tuple[str, str, str | None, str | None, str | None, tuple[ClaimReview, ...]]


def page_article(got: Fetched, host: str | None) -> Article | Blocked | Unextractable | Paywalled:
    """A fetched HTML page's article (title, text, author, publisher, published, its ClaimReview markup), read
    by html_article as a local file is, or why it cannot be used: a captcha or access-denied page, a subscription
    wall, no article text."""
    html = decode_html(got.body, header_charset(got.headers.get("content-type", "")))
    head = html[:30_000]
    article = html_article(html, got.final_url)
    if article is None:
        if CAPTCHA.search(head):
            return Blocked(got.url, "a captcha or access-denied page", got.status)
        return Unextractable(got.url, "no article text found in the HTML", got.status)
    reviews = tuple(replace(r, url=r.url or got.final_url, publisher=r.publisher or article.publisher or host,
                            published=r.published or article.published) for r in parse_claim_reviews(html))
    words = len(article.text.split())
    if words < 150 and CAPTCHA.search(head):
        return Blocked(got.url, "a captcha or access-denied page", got.status)
    if words < 250 and PAYWALL.search(html):
        return Paywalled(got.url, "the page shows a subscription wall instead of the article", got.status)
    return article.title, article.text, article.author, article.publisher, article.published, reviews


def read_page(got: Fetched) -> PageOutcome:
    """A fetched page read: its main text and metadata (a Page), or the reason it cannot be used."""
    from urllib.parse import urlsplit

    host = urlsplit(got.final_url).hostname or None
    content_type = "pdf" if got.content_type == "pdf" or got.body[:5] == b"%PDF-" else got.content_type
    reviews: tuple[ClaimReview, ...] = ()
    try:
        if content_type == "pdf":
            title, text, published = pdf_content(got.body)
            author = publisher = None
        elif content_type == "text":
            text = decode_html(got.body, header_charset(got.headers.get("content-type", "")))
            title = next((ln.strip() for ln in text.splitlines() if ln.strip()), got.final_url)[:300]
            author = publisher = published = None
        else:
            article = page_article(got, host)
            if not isinstance(article, tuple):
                return article
            title, text, author, publisher, published, reviews = article
    except Exception as exc:  # pypdf, lxml and trafilatura raise many unrelated types on broken input
        return Unextractable(got.url, f"could not be read ({type(exc).__name__}: {exc})", got.status)
    if len(text.split()) < MIN_WORDS:
        return Unextractable(got.url, f"too little text ({len(text.split())} words)", got.status)
    return Page(url=got.url, final_url=got.final_url, status=got.status, headers=got.headers,
                content_type=content_type, content_hash=hashlib.sha256(got.body).hexdigest(), text=text,
                title=(title or got.final_url)[:300], author=author, publisher=publisher or host, published=published,
                fetched_at=got.fetched_at, etag=got.headers.get("etag"), last_modified=got.headers.get("last-modified"),
                claim_reviews=reviews)
