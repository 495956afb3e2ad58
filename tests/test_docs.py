"""Docs checked against the code: every command and option, every setting and every JSON field is documented in
docs/, each in its own place (a command's options under that command's heading, a setting in its own row of the
settings table, a field in the JSON reference), and the README stays a page a newcomer finishes."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from veracity.render.json import json_schema
from veracity.settings import describe

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
README = (ROOT / "README.md").read_text(encoding="utf-8")


def reference_module():
    spec = importlib.util.spec_from_file_location("cli_reference", ROOT / "scripts" / "cli_reference.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


REFERENCE = reference_module()


def sections(text: str, level: str = "## ") -> dict[str, str]:
    """Each heading of the given level (its text) and the body under it, up to the next heading of that level."""
    parts = re.split(rf"^{re.escape(level)}(.+)$", text, flags=re.M)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts), 2)}


def test_the_command_reference_is_current():
    on_disk = (DOCS / "cli.md").read_text(encoding="utf-8")
    assert on_disk == REFERENCE.reference(), "docs/cli.md is out of date: run python scripts/cli_reference.py"


def test_every_command_and_option_is_under_its_own_heading():
    import typer.main

    from veracity.cli import app

    found = REFERENCE.commands("", typer.main.get_command(app))
    assert {"ingest", "search", "check", "show", "history", "plugins", "eval", "models"} <= {n for n, _ in found}
    by_heading = sections((DOCS / "cli.md").read_text(encoding="utf-8"))
    for name, command in found:
        assert (command.help or "").strip(), f"`veracity {name}` has no help text"
        body = by_heading.get(f"veracity {name}")
        assert body is not None, f"docs/cli.md has no heading for `veracity {name}`"
        for param in command.params:
            for flag in getattr(param, "opts", []):
                if flag.startswith("-"):
                    assert f"`{flag}`" in body, f"`veracity {name} {flag}` is not under its heading in docs/cli.md"
            assert (getattr(param, "help", None) or param.param_type_name == "argument"), \
                f"`veracity {name}` option {param.name} has no help text"


def test_every_setting_has_its_own_row():
    rows = {m.group(1) for m in re.finditer(r"^\| `(VERACITY_[A-Z0-9_]+)` \|", (DOCS / "settings.md").read_text(),
                                            flags=re.M)}
    for name, env, help_text in describe():
        assert help_text, f"setting {name} has no help"
        assert env in rows, f"{env} has no row in docs/settings.md's table"


def test_every_json_field_is_documented():
    schema = json_schema()
    fields = set(schema["properties"])
    for definition in schema.get("$defs", {}).values():
        fields |= set(definition.get("properties", {}))
    text = (DOCS / "json-report.md").read_text(encoding="utf-8")
    missing = sorted(f for f in fields if not re.search(rf'"{re.escape(f)}"', text))
    assert not missing, f"JSON fields not in docs/json-report.md: {missing}"


def test_the_readme_is_short_and_links_to_every_doc():
    assert len(README.splitlines()) <= 250
    linked = set(re.findall(r"\]\(docs/([a-z0-9-]+\.md)\)", README))
    on_disk = {p.name for p in DOCS.glob("*.md")}
    assert on_disk <= linked, f"docs not linked from the README: {sorted(on_disk - linked)}"
    assert "make demo" in README and "make test" in README


@pytest.mark.parametrize("doc", sorted(p.name for p in DOCS.glob("*.md")) + ["README.md"])
def test_relative_links_resolve(doc):
    path = ROOT / doc if doc == "README.md" else DOCS / doc
    for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", path.read_text(encoding="utf-8")):
        assert (path.parent / target).exists(), f"{doc} links to {target}, which does not exist"
