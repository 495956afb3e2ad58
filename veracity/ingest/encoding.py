"""The text of an HTML page's bytes, decoded the way a browser would: a byte-order mark, else the charset the
server declared (Content-Type), else the page's own `<meta charset>` (or `http-equiv` Content-Type) in its first
bytes, else UTF-8 if the bytes are valid UTF-8, else charset-normalizer's guess. Used for fetched pages and
local .html files alike, so a windows-1252 page keeps its accents and curly quotes instead of U+FFFD.
"""

from __future__ import annotations

import codecs
import re

PRESCAN_BYTES = 4096  # the HTML standard prescans 1024 bytes; pages that put scripts first get more room
BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
META = re.compile(rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)
# the HTML standard decodes these labels as windows-1252 (bytes 0x80-0x9f are curly quotes, dashes, euro...)
AS_WINDOWS_1252 = {"latin_1", "ascii", "iso8859_1"}


def codec(label: str | None) -> str | None:
    """Python's codec for a declared charset label, or None for a label no codec answers to."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None
    return "cp1252" if name.replace("-", "_") in AS_WINDOWS_1252 else name


def header_charset(content_type: str) -> str | None:
    """The codec of an HTTP Content-Type header's charset parameter (`text/html; charset=windows-1252`)."""
    match = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type or "", re.IGNORECASE)
    return codec(match[1]) if match else None


def meta_charset(data: bytes) -> str | None:
    """The codec a page declares in its first bytes: `<meta charset="...">` or `<meta http-equiv=
    "Content-Type" content="text/html; charset=...">` (both match: the attribute `charset=` is what counts)."""
    match = META.search(data[:PRESCAN_BYTES])
    return codec(match[1].decode("ascii", "ignore")) if match else None


def decode_html(data: bytes, declared: str | None = None) -> str:
    """The page's text. `declared` is the codec the server named (header_charset), if any."""
    for bom, name in BOMS:
        if data.startswith(bom):
            return data.decode(name, errors="replace")
    chosen = declared or meta_charset(data)
    if (chosen or "").startswith("utf-16"):  # a page that can declare it in ASCII is not UTF-16 (HTML standard)
        chosen = "utf-8"
    if chosen:
        try:
            return data.decode(chosen)
        except UnicodeDecodeError:
            pass  # declared wrongly: guess below, as browsers' users would want
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    guessed = codec(best.encoding) if best is not None else None
    return data.decode(guessed or chosen or "cp1252", errors="replace")
