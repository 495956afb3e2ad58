"""Report -> terminal (rich), Markdown, JSON, self-contained HTML. Terminal, Markdown and HTML walk the same
outline (outline.py); JSON is the Report dataclass itself."""

from __future__ import annotations

from ..errors import InputError
from ..types import Report

FORMATS = ("terminal", "markdown", "json", "html")


def render(report: Report, fmt: str) -> str:
    """The report as text in one of the file formats (the terminal format prints with print_report)."""
    if fmt == "json":
        from .json import to_json

        return to_json(report)
    if fmt == "markdown":
        from .markdown import to_markdown

        return to_markdown(report)
    if fmt == "html":
        from .html import to_html

        return to_html(report)
    raise InputError(f"unknown format {fmt!r}; use one of markdown, json or html (terminal prints to the screen)")
