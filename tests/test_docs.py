"""Docs checked by tests: every command, setting and JSON field is in the README, and every command has help."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import typer.main

from veracity.cli import app
from veracity.render.json import json_schema
from veracity.settings import describe

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def commands() -> list[tuple[str, Any]]:
    """Every command path ("ingest", "db migrate", ...) of the CLI (typer's commands: groups have .commands)."""
    def walk(prefix: str, command: Any) -> list[tuple[str, Any]]:
        if getattr(command, "commands", None):
            return [pair for name, sub in sorted(command.commands.items())
                    for pair in walk(f"{prefix} {name}".strip(), sub)]
        return [(prefix, command)]

    return walk("", typer.main.get_command(app))


def test_every_command_is_documented_and_has_help():
    found = commands()
    assert {"ingest", "search", "check", "show", "history", "plugins", "eval", "models"} <= {n for n, _ in found}
    for name, command in found:
        assert f"veracity {name}" in README, f"`veracity {name}` is not in the README"
        assert (command.help or "").strip(), f"`veracity {name}` has no help text"


def test_every_setting_is_documented():
    for name, env, help_text in describe():
        assert help_text, f"setting {name} has no help"
        assert f"`{env}`" in README, f"{env} is not in the README's settings table"


def test_every_json_field_is_documented():
    schema = json_schema()
    fields = set(schema["properties"])
    for definition in schema.get("$defs", {}).values():
        fields |= set(definition.get("properties", {}))
    section = README[README.index("## JSON report"):README.index("## Settings")]
    missing = sorted(f for f in fields if not re.search(rf'"{re.escape(f)}"', section))
    assert not missing, f"JSON fields not in the README's JSON section: {missing}"
