"""The service goes through the engine's door (veracity.engine, veracity.jobs): no module under veracity/service
imports veracity.store or veracity.pipeline, at module level or inside a function."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVICE = ROOT / "veracity" / "service"
FORBIDDEN = ("veracity.store", "veracity.pipeline")


def imported(source: str, module: str) -> set[str]:
    """Every module an import statement anywhere in `source` names (relative imports resolved against `module`,
    the dotted name of the file), with `from X import y` counted as X.y too (y may be a submodule)."""
    package = module.split(".")[:-1]
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            origin = ".".join(base + ([node.module] if node.module else []))
            names.add(origin)
            names.update(f"{origin}.{alias.name}" for alias in node.names)
    return names


def forbidden(names: set[str]) -> list[str]:
    return sorted(n for n in names if any(n == f or n.startswith(f + ".") for f in FORBIDDEN))


def test_the_walk_finds_every_form_of_import() -> None:
    module = "veracity.service.api"
    assert forbidden(imported("from ..store.base import Job", module)) == ["veracity.store.base",
                                                                            "veracity.store.base.Job"]
    assert forbidden(imported("from .. import pipeline", module)) == ["veracity.pipeline"]
    assert forbidden(imported("def f():\n    import veracity.store.sqlite as s\n", module)) == ["veracity.store.sqlite"]
    assert forbidden(imported("class A:\n    def f(self):\n        from ..pipeline.write import x\n", module))
    assert not forbidden(imported("from ..engine import Engine\nfrom .views import describe\nimport storeroom", module))


def test_the_service_imports_neither_store_nor_pipeline() -> None:
    files = sorted(SERVICE.rglob("*.py"))
    assert len(files) >= 8  # the walk sees the service's modules
    found = {}
    for path in files:
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        bad = forbidden(imported(path.read_text(encoding="utf-8"), module))
        if bad:
            found[str(path.relative_to(ROOT))] = bad
    assert not found, f"the service reaches past the engine: {found}"
