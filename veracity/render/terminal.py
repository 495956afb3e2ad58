"""Report -> the terminal, with rich."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.text import Text

from ..types import Report
from .escape import terminal as e
from .text import VERDICT_TITLE, cites, found_line, mode_line, role_tag, source_line

COLOURS = {"supported": "green", "refuted": "red", "mixed": "yellow", "not_enough_evidence": "blue"}


def print_report(report: Report, console: Console | None = None) -> None:
    console = console or Console()
    head = Text()
    head.append(f"{e(report.question)}\n", style="bold")
    head.append(f"Checked on {report.checked_on}" + (f" (evidence published on or before {report.as_of})"
                                                     if report.as_of else "") + "\n", style="dim")
    head.append("Searched for: " + "; ".join(f'"{e(q)}"' for q in report.queries) + "\n", style="dim")
    head.append(found_line(report) + "\n", style="dim")
    head.append(e(mode_line(report)), style="dim italic")
    parts = [head]
    if report.verdict:
        v = report.verdict
        parts.append(Text(f"\nVerdict: {VERDICT_TITLE[v.label]} ({v.confidence:.0%} confidence)",
                          style=f"bold {COLOURS[v.label]}"))
    parts.append(Text("\nExecutive summary", style="bold underline"))
    parts.append(Text(f"{e(report.summary.text)} {cites(report.summary.citations)}".strip()))
    for i, f in enumerate(report.findings, 1):
        tag = f"  [{role_tag(report, f.role)}]" if f.role else ""
        parts.append(Text(f"\n{i}. {e(f.heading)}{tag}", style="bold"))
        parts.append(Text(" ".join(f"{e(s.text)} {cites(s.citations)}" for s in f.sentences)))
    parts.append(Text("\nBottom line", style="bold underline"))
    parts.append(Text(f"{e(report.bottom_line.text)} {cites(report.bottom_line.citations)}".strip()))
    parts.append(Text("\nWant to dive deeper?", style="bold underline"))
    parts += [Text(f"• {e(q)}") for q in report.follow_up_questions]
    if report.sources:
        parts.append(Text("\nSources", style="bold underline"))
        parts += [Text(source_line(s, e), style="dim") for s in report.sources]
    for f in report.failures:
        parts.append(Text(f"problem in {f.stage}: {e(f.message)}", style="yellow"))
    parts.append(Text(f"\ncheck {report.id}", style="dim"))
    console.print(Panel(Group(*parts), title="veracity", expand=True))
