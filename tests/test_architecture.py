"""The house's shape, checked: no import circle among veracity's modules, counting the imports made inside
functions, so that following a check through the code never leads back to a module it has left; and no function
above cyclomatic complexity 20 (radon) unless a `# complexity:` comment on the line above says why."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "veracity"


def modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def imported(module: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The veracity modules this one imports, at its top or inside functions. `from . import x` names module x
    (not the package it sits in) when x is a module."""
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name in known}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[:len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            subs = {f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in known}
            found |= subs
            if target in known and len(subs) < len(node.names):
                found.add(target)
    return found - {module}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    out.append(sorted(component))
    return out


def test_no_import_circle_counting_imports_inside_functions():
    known = modules()
    graph = {m: imported(m, p, known) for m, p in known.items()}
    assert not circles(graph), f"import circles: {circles(graph)}"


def test_the_circle_finder_finds_a_circle():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": set()}) == []


MAX_COMPLEXITY = 20


def too_complex(code: str) -> list[tuple[int, str, int]]:
    """(line, name, complexity) of each function or method above MAX_COMPLEXITY without a `# complexity:` comment
    on the line above it."""
    from radon.complexity import cc_visit

    lines = code.splitlines()
    blocks = [b for b in cc_visit(code) if not hasattr(b, "methods")]  # functions and methods, not classes
    return [(b.lineno, b.name, b.complexity) for b in blocks if b.complexity > MAX_COMPLEXITY
            and "# complexity:" not in (lines[b.lineno - 2] if b.lineno >= 2 else "")]


def test_no_function_is_too_complex_to_follow():
    found = [f"{path.relative_to(PACKAGE.parent)}:{line} {name} ({complexity})"
             for path in sorted(PACKAGE.rglob("*.py"))
             for line, name, complexity in too_complex(path.read_text(encoding="utf-8"))]
    assert not found, f"split these, or say why above them in a '# complexity:' comment: {found}"


def test_the_complexity_check_finds_a_tangled_function_and_a_method():
    branches = "".join(f"    if x == {i}:\n        return {i}\n" for i in range(25))
    code = f"def tangled(x):\n{branches}    return -1\n\n\nclass C:\n    def method(self, x):\n" + \
        branches.replace("\n    ", "\n        ").replace("    if", "        if", 1) + "        return -1\n"
    assert [name for _, name, _ in too_complex(code)] == ["tangled", "method"]
    assert too_complex("# complexity: a flat table of cases\n" + code.split("\n\n\n")[0] + "\n") == []


CAPABILITIES = {"Store", "DocumentStore", "JobQueue", "WebArchive", "ReviewStore"}


def test_no_caller_asks_a_store_what_it_can_do():
    """The Engine hands out each store capability typed; nothing probes a store with isinstance or hasattr."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        where = str(path.relative_to(PACKAGE))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and len(node.args) == 2):
                continue
            second = node.args[1]
            if node.func.id == "isinstance" and isinstance(second, ast.Name) and second.id in CAPABILITIES:
                found.append(f"{where}:{node.lineno} isinstance(..., {second.id})")
            elif node.func.id in ("hasattr", "getattr") and "store" in ast.unparse(node.args[0]).lower():
                found.append(f"{where}:{node.lineno} {node.func.id}({ast.unparse(node.args[0])}, ...)")
    assert not found, f"ask the Engine for the capability instead: {found}"
