"""Escaping of source text for each output, in one place: every renderer passes every piece of text it did not
write itself (titles, quotes, headings, the question, failure messages) through the function for its format.

Ingest already strips control characters, but a store written by an older veracity, a JSON report read back, or
a question typed by the user may still hold them, so every renderer escapes again.
"""

from __future__ import annotations

import html as _html
import re

from ..text import strip_controls

_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]()!|~])")
_LINE_START = re.compile(r"^(\s*)([#+-]|\d+(?=[.)]))")  # a heading, a list item, "1." of a numbered list
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029]")


def terminal(text: str) -> str:
    """For the terminal: no escape sequences or control characters (a source cannot clear the screen or set
    the window title). Rich does not read markup in Text objects, so nothing else needs escaping."""
    return strip_controls(text)


def markdown(text: str) -> str:
    """For Markdown: on one line, HTML tags and entities escaped (a renderer shows `<script>` as text), and
    Markdown punctuation backslash-escaped (a source cannot make a link, an image or a heading)."""
    text = " ".join(strip_controls(text).split())
    text = _MARKDOWN_PUNCTUATION.sub(r"\\\1", _html.escape(text, quote=False))
    return _LINE_START.sub(lambda m: m[1] + (m[2] + "\\" if m[2][0].isdigit() else "\\" + m[2]), text)


def html(text: str) -> str:
    """For HTML: control characters dropped, then &, <, >, " and ' escaped."""
    return _html.escape(strip_controls(text), quote=True)


def json_text(dumped: str) -> str:
    """For a JSON document already dumped with ensure_ascii=False: json escapes C0 controls itself; this
    escapes DEL, the C1 controls (a terminal can read U+009B as an escape) and the two line separators."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m[0]):04x}", dumped)
