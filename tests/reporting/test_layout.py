"""The layout says what the code does: capability packages, and imports that never run in a circle."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("intake", "watch", "progress", "questions", "excel", "api", "postgres")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports() -> dict[str, set[str]]:
    """Module → the reporting modules it imports at load time (not those under TYPE_CHECKING or inside functions)."""
    modules = {_module_name(p): p for p in (ROOT / "reporting").rglob("*.py") if "migrations" not in p.parts}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text())
        found: set[str] = set()
        for node in tree.body:  # module level only: an import inside a function runs later
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                base = node.module
                for alias in node.names:
                    candidate = f"{base}.{alias.name}"
                    found.add(candidate if candidate in modules else base)
            elif isinstance(node, ast.Import):
                found.update(a.name for a in node.names)
        graph[name] = {m for m in found if m in modules and m != name}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if state.get(nxt) is None and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if state.get(node) is None and (found := visit(node)):
            return found
    return None


def test_no_module_of_reporting_imports_itself_back():
    assert _cycle(_imports()) is None


def test_no_relative_import_leaves_doubt_about_where_a_module_lives():
    relative = [str(p.relative_to(ROOT)) for p in (ROOT / "reporting").rglob("*.py")
                if "migrations" not in p.parts and any(isinstance(n, ast.ImportFrom) and n.level
                                                       for n in ast.walk(ast.parse(p.read_text())))]
    assert relative == []


def test_each_capability_package_says_what_it_owns():
    for name in PACKAGES:
        doc = ast.get_docstring(ast.parse((ROOT / "reporting" / name / "__init__.py").read_text()))
        assert doc and "may import" in doc.lower(), name


def test_the_top_level_of_reporting_holds_only_what_every_capability_shares():
    top = sorted(p.stem for p in (ROOT / "reporting").glob("*.py"))
    assert top == ["__init__", "admin", "apps", "campaigns", "demo", "live", "models", "record_text", "refusals",
                   "tasks", "urls"]
