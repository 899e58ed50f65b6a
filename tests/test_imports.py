"""The packages' import graph: data flows indexer → search → web, and no module imports itself back."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("indexer", "search", "web")
ORDER = {name: rank for rank, name in enumerate(PACKAGES)}


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, module: str) -> set[str]:
    """Every prasa module ``path`` imports, at the top or inside a function."""
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            found.add(base)
            found |= {f"{base}.{a.name}" for a in node.names}
    return {name for name in found if name.split(".")[0] in PACKAGES}


def import_graph() -> dict[str, set[str]]:
    files = {_module(p): p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")}
    graph = {}
    for module, path in files.items():
        graph[module] = {name for name in _imports(path, module) if name in files and name != module}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle among submodules (a package's ``__init__`` re-exporting them is not one)."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt in PACKAGES or nxt.count(".") == 0:
                continue  # the public face: an __init__ importing its own submodules is how it exports
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_cycles():
    assert _cycle(import_graph()) is None


def test_data_flows_one_way():
    """indexer never imports search or web; search never imports web (nor Flask)."""
    for module, targets in import_graph().items():
        rank = ORDER[module.split(".")[0]]
        assert all(ORDER[t.split(".")[0]] <= rank for t in targets), module
    for path in (ROOT / "search").rglob("*.py"):
        assert "flask" not in {n.split(".")[0] for n in _imports_any(path)}, path


def _imports_any(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    return {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names} | {
        n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module and not n.level}


def test_the_checker_sees_a_cycle():
    assert _cycle({"indexer.a": {"indexer.b"}, "indexer.b": {"indexer.a"}}) == ["indexer.a", "indexer.b", "indexer.a"]
