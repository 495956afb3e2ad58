"""What the service shows of a document's location: a file's name or a URL, never a path on the server.

`shown` is the one place a location becomes a display name; `scrub` applies it to the paths inside a message
(an ingest's skip reasons, a job's error). The store, and the JSON `veracity check` writes for local use, keep
the full location."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ..types import Report

UPLOADED = re.compile(r"^[0-9a-f]{8}-(?=.)")  # the prefix save_uploads gives a file in the upload folder
# an absolute path of two parts or more, not inside a URL (no word, ':', '/' or '.' just before it) and not one
# of the service's own routes
PATH = re.compile(r"(?<![\w:/.~-])(?!/(?:api|checks|documents|static|history|collection)\b)"
                  r"((?:/[^\s/'\"<>,;()]+){2,}|[A-Za-z]:\\[^\s'\"<>,;()]+)")


def shown(location: str) -> str:
    """A URL as it is (less any user:password), a file by its name (an upload without its random prefix)."""
    parts = urlsplit(location)
    if parts.scheme in ("http", "https") and parts.netloc:
        netloc = parts.netloc.rpartition("@")[2]
        return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    if parts.scheme == "file":
        location = parts.path
    name = PureWindowsPath(location).name if "\\" in location else PurePosixPath(location).name
    return UPLOADED.sub("", name) or location


def scrub(text: str) -> str:
    """text with every server path in it replaced by its file name."""
    return PATH.sub(lambda m: shown(m.group(1)), text)


def scrubbed(value: Any) -> Any:
    """A job's result, error or event data (not a report: its quotes are kept as written) with paths scrubbed."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, list):
        return [scrubbed(v) for v in value]
    if isinstance(value, dict):  # a "file" (an ingest's progress event) is a location: shown by its name
        return {k: shown(v) if k == "file" and isinstance(v, str) else scrubbed(v) for k, v in value.items()}
    return value


def public_report(report: Report) -> Report:
    """The report as the service shows it: each source's location a file name or URL."""
    return replace(report, sources=tuple(replace(s, location=shown(s.location)) for s in report.sources))
