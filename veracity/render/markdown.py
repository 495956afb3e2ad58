"""Report -> Markdown, in the shape of the seed reports."""

from __future__ import annotations

from ..types import Report
from .text import VERDICT_TITLE, cites, found_line, mode_line, role_tag, source_line, web_line


def to_markdown(report: Report) -> str:
    out = [f"# Fact check: {report.question}", "", f"Checked on {report.checked_on}"
           + (f" (evidence published on or before {report.as_of})" if report.as_of else ""), "", "Searched for:"]
    out += [f'- "{q}"' for q in report.queries]
    out += ["", found_line(report), ""]
    if web_line(report):
        out += [str(web_line(report)), ""]
    out += [f"*{mode_line(report)}*", ""]
    if report.verdict:
        v = report.verdict
        out += [f"**Verdict: {VERDICT_TITLE[v.label]}** (confidence {v.confidence:.0%})", ""]
    out += ["## Executive summary", "", f"{report.summary.text} {cites(report.summary.citations)}".strip(), ""]
    for i, f in enumerate(report.findings, 1):
        tag = f" ({role_tag(report, f.role)})" if f.role else ""
        out += [f"## {i}. {f.heading}{tag}", ""]
        out += [" ".join(f"{s.text} {cites(s.citations)}" for s in f.sentences), ""]
    out += ["## Bottom line", "", f"{report.bottom_line.text} {cites(report.bottom_line.citations)}".strip(), ""]
    out += ["## Want to dive deeper?", ""] + [f"- {q}" for q in report.follow_up_questions] + [""]
    if report.sources:
        out += ["## Sources", ""] + [f"{source_line(s)}  " for s in report.sources] + [""]
    if report.failures:
        out += ["## Problems during this check", ""] + [f"- {f.stage}: {f.message}" for f in report.failures] + [""]
    out += [f"<sub>check {report.id} · " + " · ".join(f"{k} {v}" for k, v in report.versions.items()) + "</sub>", ""]
    return "\n".join(out)
