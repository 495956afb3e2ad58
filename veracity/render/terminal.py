"""Report -> the terminal, with rich. Text goes in as rich Text objects (never parsed as markup), after the
outline has removed control characters."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.text import Text

from ..labels import ANSWERED, DISPUTED
from ..types import MIXED, NOT_ENOUGH_EVIDENCE, REFUTED, SUPPORTED, Report
from .outline import Section, outline

COLOURS = {SUPPORTED: "green", REFUTED: "red", MIXED: "yellow", NOT_ENOUGH_EVIDENCE: "blue", ANSWERED: "green",
           DISPUTED: "yellow"}


def cites(numbers: tuple[int, ...]) -> str:
    return " ".join(f"[{n}]" for n in numbers)


def section(s: Section) -> list[Text]:
    style = "bold" if s.kind == "finding" else "bold underline"
    out = [Text(f"\n{s.heading}" + (f"  [{s.tag}]" if s.tag else ""), style=style)]
    if s.text:
        line = Text()
        for i, c in enumerate(s.text):
            if i:
                line.append(" ")
            if c.frame:  # veracity's own words, set apart from the sources'
                line.append(c.text, style="italic")
            else:
                line.append(f"{c.text} {cites(c.citations)}".strip())
        out.append(line)
    bullet, item_style = ("problem: ", "yellow") if s.kind == "problems" else ("• ", "")
    out += [Text(f"{bullet}{item}", style=item_style) for item in s.items]
    out += [Text(f"[{line.id}] " + " · ".join([line.title] + [b for b in (line.publisher, line.published) if b])
                 + f" — {line.location}" + (" (damaged text: quoted as it stands)" if line.damaged else ""),
                 style="dim") for line in s.sources]
    return out


def print_report(report: Report, console: Console | None = None, verbose: bool = False) -> None:
    """verbose: also how the verdict was reached (its numbers) and the versions that made the report."""
    console = console or Console()
    o = outline(report)
    head = Text()
    head.append(f"{o.title}\n", style="bold")
    head.append(f"{o.checked_on}\n", style="dim")
    head.append("Searched for: " + "; ".join(f'"{q}"' for q in o.searched_for) + "\n", style="dim")
    head.append(o.found + "\n", style="dim")
    head.append(o.mode, style="dim italic")
    parts: list[Text] = [head]
    if o.verdict:
        parts.append(Text(f"\nVerdict: {o.verdict.title}" + (f" — {o.verdict.note}" if o.verdict.note else "")
                          + f" ({o.verdict.confidence:.0%} confidence)",
                          style=f"bold {COLOURS[o.verdict.label]}"))
    for s in o.sections:
        if s.kind != "reasons" or verbose:
            parts += section(s)
    parts.append(Text(f"\n{o.footer}" + "".join(f" · {v}" for v in o.versions if verbose), style="dim"))
    console.print(Panel(Group(*parts), title="veracity", expand=True))
