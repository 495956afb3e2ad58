"""Report -> one self-contained HTML file (inline CSS, no scripts, no external requests). Every piece of text
is HTML-escaped; links are never made from source text."""

from __future__ import annotations

from html import escape

from ..types import Report
from .outline import Section, SourceLine, outline

CSS = """body{font:16px/1.55 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{font-size:1.5rem}.meta{color:#666;font-size:.9rem}.verdict{padding:.6rem 1rem;border-radius:6px;font-weight:600}
.supported,.answered{background:#e3f5e1}.refuted{background:#fbe3e3}.mixed,.disputed{background:#fff4d6}
.not_enough_evidence{background:#e3ecfb}
.tag{font-size:.8rem;color:#555;font-weight:normal}sup a{text-decoration:none}ol.sources{list-style:none;padding:0}
ol.sources li{margin:.3rem 0}.frame{color:#444}.damaged{color:#8a5300}.problems{color:#8a5300}"""


def cites(numbers: tuple[int, ...]) -> str:
    return "".join(f'<sup><a href="#s{n}">[{n}]</a></sup>' for n in numbers)


def source(s: SourceLine) -> str:
    bits = "".join(f" · {escape(b)}" for b in (s.publisher, s.published) if b)
    flag = ' <span class="damaged">(damaged text: quoted as it stands)</span>' if s.damaged else ""
    return f'<li id="s{s.id}">[{s.id}] {escape(s.title)}{bits} — {escape(s.location)}{flag}</li>'


def section(s: Section) -> str:
    tag = f' <span class="tag">({escape(s.tag)})</span>' if s.tag else ""
    out = f"<h2>{escape(s.heading)}{tag}</h2>"
    if s.text:
        out += "<p>" + " ".join(f'<em class="frame">{escape(c.text)}</em>' if c.frame else
                                f"{escape(c.text)}{cites(c.citations)}" for c in s.text) + "</p>"
    if s.kind == "reasons":  # the numbers behind the verdict, collapsed under the bottom line
        return (f'<details class="reasons"><summary>{escape(s.heading)}</summary><ul>'
                + "".join(f"<li>{escape(item)}</li>" for item in s.items) + "</ul></details>")
    if s.items:
        css = ' class="problems"' if s.kind == "problems" else ""
        out += f"<ul{css}>" + "".join(f"<li>{escape(item)}</li>" for item in s.items) + "</ul>"
    if s.sources:
        out += '<ol class="sources">' + "".join(source(line) for line in s.sources) + "</ol>"
    return out


def to_html(report: Report) -> str:
    o = outline(report)
    body = [f"<h1>{escape(o.title)}</h1>",
            f'<p class="meta">{escape(o.checked_on)}<br>Searched for: '
            + "; ".join(f"“{escape(q)}”" for q in o.searched_for)
            + f"<br>{escape(o.found)}<br><em>{escape(o.mode)}</em></p>"]
    if o.verdict:
        note = f" — {escape(o.verdict.note)}" if o.verdict.note else ""
        body.append(f'<p class="verdict {escape(o.verdict.label)}">Verdict: {escape(o.verdict.title)}{note} · '
                    f"{o.verdict.confidence:.0%} confidence</p>")
    body += [section(s) for s in o.sections]
    body.append(f'<details class="meta"><summary>{escape(o.footer)}</summary><ul>'
                + "".join(f"<li>{escape(v)}</li>" for v in o.versions) + "</ul></details>")
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(o.title)}</title>'
            f"<style>{CSS}</style></head><body>{''.join(body)}</body></html>\n")
