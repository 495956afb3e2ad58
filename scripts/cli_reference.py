"""Write docs/cli.md, the command reference, from the CLI itself: one heading per command, then its arguments
and options with their help text. tests/test_docs.py checks that the file matches the CLI.

Usage: python scripts/cli_reference.py            (rewrites docs/cli.md)
       python scripts/cli_reference.py --check    (exit 1 when docs/cli.md is out of date)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import typer.main

from veracity.cli import app

TARGET = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


def commands(prefix: str, command: Any) -> list[tuple[str, Any]]:
    """Every command path ("ingest", "db migrate", ...) with its click command, groups walked in name order."""
    if getattr(command, "commands", None):  # a group (typer's own click types, so no isinstance)
        return [pair for name, sub in sorted(command.commands.items())
                for pair in commands(f"{prefix} {name}".strip(), sub)]
    return [(prefix, command)]


def cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def section(name: str, command: Any) -> list[str]:
    lines = [f"## veracity {name}".rstrip(), "", cell(command.help or ""), ""]
    params = [p for p in command.params if p.name != "help"]
    if params:
        lines += ["| argument or option | meaning |", "|---|---|"]
        for p in params:
            if not getattr(p, "opts", None) or p.param_type_name == "argument":
                flag = f"`{p.name.upper() if p.name else ''}`"
            else:
                flag = ", ".join(f"`{o}`" for o in [*p.opts, *p.secondary_opts])
            lines.append(f"| {flag} | {cell(getattr(p, 'help', None) or '')} |")
        lines.append("")
    return lines


def reference() -> str:
    root = typer.main.get_command(app)
    lines = ["# Command reference", "",
             "Written by `python scripts/cli_reference.py` from the CLI's own help; `tests/test_docs.py` checks that it",
             "is current. `veracity COMMAND --help` prints the same.", ""]
    for name, command in [("", root), *commands("", root)]:  # the program's own options first
        lines += section(name, command)
    return "\n".join(lines).rstrip() + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when docs/cli.md is out of date")
    args = parser.parse_args()
    text = reference()
    if args.check:
        if not TARGET.exists() or TARGET.read_text(encoding="utf-8") != text:
            sys.exit("docs/cli.md is out of date: run python scripts/cli_reference.py")
        return
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
