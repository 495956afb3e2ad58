"""Report -> Markdown, in the shape of the seed reports. Source text is escaped: no raw HTML or Markdown from
a source reaches the output."""

from __future__ import annotations

import re

from ..types import Report
from .outline import Section, SourceLine, outline

SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~!&])")


def md(text: str) -> str:
    """Text that Markdown prints as itself: punctuation with a meaning there is backslash-escaped."""
    return SPECIAL.sub(r"\\\1", text)


def cites(numbers: tuple[int, ...]) -> str:
    return " ".join(f"[{n}]" for n in numbers)


def source(s: SourceLine) -> str:
    bits = [md(s.title)] + [md(b) for b in (s.publisher, s.published) if b]
    flag = " (damaged text: quoted as it stands)" if s.damaged else ""
    return f"[{s.id}] " + " · ".join(bits) + f" — {md(s.location)}{flag}  "


def collapsed(summary: str, items: tuple[str, ...]) -> list[str]:
    """A <details> block (GitHub and most Markdown viewers show it closed), its items a Markdown list."""
    return [f"<details><summary>{md(summary)}</summary>", ""] + [f"- {md(item)}" for item in items] + ["",
                                                                                               "</details>", ""]


def section(s: Section) -> list[str]:
    if s.kind == "reasons":  # the numbers behind the verdict, collapsed under the bottom line
        return collapsed(s.heading, s.items)
    out = [f"## {md(s.heading)}" + (f" ({s.tag})" if s.tag else ""), ""]
    if s.text:
        out += [" ".join(f"*{md(c.text)}*" if c.frame else f"{md(c.text)} {cites(c.citations)}".strip()
                         for c in s.text), ""]
    if s.items:
        out += [f"- {md(item)}" for item in s.items] + [""]
    if s.sources:
        out += [source(line) for line in s.sources] + [""]
    return out


def to_markdown(report: Report) -> str:
    o = outline(report)
    out = [f"# Fact check: {md(o.title)}", "", md(o.checked_on), "", "Searched for:"]
    out += [f'- "{md(q)}"' for q in o.searched_for]
    out += ["", o.found, "", f"*{md(o.mode)}*", ""]
    if o.verdict:
        note = f" — {md(o.verdict.note)}" if o.verdict.note else ""
        out += [f"**Verdict: {o.verdict.title}**{note} (confidence {o.verdict.confidence:.0%})", ""]
    for s in o.sections:
        out += section(s)
    out += collapsed(o.footer, o.versions)
    return "\n".join(out)
