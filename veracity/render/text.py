"""The report as plain blocks shared by the Markdown and terminal renderers."""

from __future__ import annotations

from collections.abc import Callable

from ..text import plural
from ..types import Report

ROLE_TAG = {"supporting": "supports the claim", "refuting": "contradicts the claim", "context": "context"}
OPEN_ROLE_TAG = {"supporting": "agrees with the leading answer", "refuting": "disagrees with the leading answer",
                 "context": "context"}
VERDICT_TITLE = {"supported": "Supported", "refuted": "Refuted", "mixed": "Mixed",
                 "not_enough_evidence": "Not enough evidence"}


def role_tag(report: Report, role: str) -> str:
    """How a finding stands: toward the claim, or for an open question toward the leading answer."""
    return (OPEN_ROLE_TAG if report.open_question else ROLE_TAG)[role]


def cites(numbers) -> str:
    return " ".join(f"[{n}]" for n in numbers)


def found_line(report: Report) -> str:
    return f"Found {plural(len(report.sources), 'source')} ({report.independent_sources} independent)"


def mode_line(report: Report) -> str:
    """How the prose was written: quoted from the sources, or by a model and then checked sentence by sentence."""
    if report.mode == "llm" and report.llm is not None:
        return (f"Written by {report.llm.model}; every sentence was checked against the passages it cites "
                f"({report.llm.calls} model calls, {report.llm.tokens_in + report.llm.tokens_out} tokens)")
    return "Every finding sentence is quoted from the source it cites"


def source_line(s, escape: Callable[[str], str]) -> str:
    """ "[n] title · publisher · date — location", each field passed through the renderer's escape."""
    bits = [s.title]
    if s.publisher:
        bits.append(s.publisher)
    if s.published:
        bits.append(s.published)
    return f"[{s.id}] " + " · ".join(escape(b) for b in bits) + f" — {escape(s.location)}"
