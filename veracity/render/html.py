"""Report -> one self-contained HTML file (inline CSS, no scripts, no external requests)."""

from __future__ import annotations

from ..types import Report
from .escape import html as escape
from .text import VERDICT_TITLE, found_line, mode_line, role_tag

CSS = """body{font:16px/1.55 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{font-size:1.5rem}.meta{color:#666;font-size:.9rem}.verdict{padding:.6rem 1rem;border-radius:6px;font-weight:600}
.supported{background:#e3f5e1}.refuted{background:#fbe3e3}.mixed{background:#fff4d6}.not_enough_evidence{background:#e3ecfb}
.tag{font-size:.8rem;color:#555;font-weight:normal}sup a{text-decoration:none}ol.sources li{margin:.3rem 0}"""


def _cites(numbers) -> str:
    return "".join(f'<sup><a href="#s{n}">[{n}]</a></sup>' for n in numbers)


def to_html(report: Report) -> str:
    e = escape
    body = [f"<h1>{e(report.question)}</h1>", f'<p class="meta">Checked on {e(report.checked_on)}'
            + (f" (evidence published on or before {e(report.as_of)})" if report.as_of else "") + "<br>Searched for: "
            + "; ".join(f"“{e(q)}”" for q in report.queries) + f"<br>{e(found_line(report))}<br><em>{e(mode_line(report))}</em></p>"]
    if report.verdict:
        v = report.verdict
        body.append(f'<p class="verdict {v.label}">Verdict: {VERDICT_TITLE[v.label]} · {v.confidence:.0%} confidence</p>')
    body.append(f"<h2>Executive summary</h2><p>{e(report.summary.text)} {_cites(report.summary.citations)}</p>")
    for i, f in enumerate(report.findings, 1):
        tag = f' <span class="tag">({role_tag(report, f.role)})</span>' if f.role else ""
        text = " ".join(f"{e(s.text)}{_cites(s.citations)}" for s in f.sentences)
        body.append(f"<h2>{i}. {e(f.heading)}{tag}</h2><p>{text}</p>")
    body.append(f"<h2>Bottom line</h2><p>{e(report.bottom_line.text)} {_cites(report.bottom_line.citations)}</p>")
    body.append("<h2>Want to dive deeper?</h2><ul>" + "".join(f"<li>{e(q)}</li>" for q in report.follow_up_questions)
                + "</ul>")
    if report.sources:
        items = "".join(f'<li id="s{s.id}">[{s.id}] {e(s.title)}' + (f" · {e(s.publisher)}" if s.publisher else "")
                        + (f" · {e(s.published)}" if s.published else "") + f" — {e(s.location)}</li>"
                        for s in report.sources)
        body.append(f'<h2>Sources</h2><ol class="sources" style="list-style:none;padding:0">{items}</ol>')
    body.append(f'<p class="meta">check {e(report.id)}</p>')
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{e(report.question)}</title>'
            f"<style>{CSS}</style></head><body>{''.join(body)}</body></html>\n")
