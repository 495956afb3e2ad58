"""Report -> Markdown, in the shape of the seed reports."""

from __future__ import annotations

from ..types import Report
from .escape import markdown as e
from .text import VERDICT_TITLE, cites, found_line, mode_line, role_tag, source_line


def to_markdown(report: Report) -> str:
    out = [f"# Fact check: {e(report.question)}", "", f"Checked on {report.checked_on}"
           + (f" (evidence published on or before {report.as_of})" if report.as_of else ""), "", "Searched for:"]
    out += [f'- "{e(q)}"' for q in report.queries]
    out += ["", found_line(report), "", f"*{e(mode_line(report))}*", ""]
    if report.verdict:
        v = report.verdict
        out += [f"**Verdict: {VERDICT_TITLE[v.label]}** (confidence {v.confidence:.0%})", ""]
    out += ["## Executive summary", "", f"{e(report.summary.text)} {cites(report.summary.citations)}".strip(), ""]
    for i, f in enumerate(report.findings, 1):
        tag = f" ({role_tag(report, f.role)})" if f.role else ""
        out += [f"## {i}. {e(f.heading)}{tag}", ""]
        out += [" ".join(f"{e(s.text)} {cites(s.citations)}" for s in f.sentences), ""]
    out += ["## Bottom line", "", f"{e(report.bottom_line.text)} {cites(report.bottom_line.citations)}".strip(), ""]
    out += ["## Want to dive deeper?", ""] + [f"- {e(q)}" for q in report.follow_up_questions] + [""]
    if report.sources:
        out += ["## Sources", ""] + [f"{source_line(s, e)}  " for s in report.sources] + [""]
    if report.failures:
        out += ["## Problems during this check", ""] + [f"- {f.stage}: {e(f.message)}" for f in report.failures] + [""]
    out += [f"<sub>check {e(report.id)} · " + " · ".join(f"{k} {e(str(v))}" for k, v in report.versions.items()) + "</sub>", ""]
    return "\n".join(out)
