"""The packages' import graph: data flows indexer → search → web, and no module imports itself back.

Inside each package the concerns keep their own direction too: ``sources`` reads
files and knows nothing else of prasa but ``items``' neighbours, ``extract``
never reaches into a backend or the reindex loop, the two backends never import
each other, the search side's shared modules never import a backend's, and the
web face uses the indexer and search packages through their ``__init__`` only.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("indexer", "search", "web")
ORDER = {name: rank for rank, name in enumerate(PACKAGES)}


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_only(tree: ast.Module) -> set[int]:
    """Ids of the import nodes under ``if TYPE_CHECKING:``: names for annotations, never run."""
    return {id(n) for block in ast.walk(tree) if isinstance(block, ast.If)
            and getattr(block.test, "id", None) == "TYPE_CHECKING" for n in ast.walk(block)}


def _imports(path: Path, module: str) -> set[str]:
    """Every prasa module ``path`` imports, at the top or inside a function (not type-only)."""
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = set()
    tree = ast.parse(path.read_text("utf-8"))
    skip = _type_only(tree)
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            faced = _exported(base)
            subs = {f"{base}.{a.name}" for a in node.names if a.name not in faced and _is_module(f"{base}.{a.name}")}
            if len(subs) < len(node.names):  # some names are the module's (or the face's) own
                found.add(base)
            found |= subs
    return {name for name in found if name.split(".")[0] in PACKAGES}


def _is_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _exported(package: str) -> set[str]:
    """The names a package's ``__init__`` exports: ``from indexer import extract`` is its function."""
    init = ROOT.joinpath(*package.split(".")) / "__init__.py"
    if not init.is_file():
        return set()
    for node in ast.parse(init.read_text("utf-8")).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "__all__":
            return set(ast.literal_eval(node.value))
    return set()


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


# (importer, imported): a module under the first never imports one under the second
FORBIDDEN = [
    ("indexer.sources", "indexer.extract"), ("indexer.sources", "indexer.whoosh"),
    ("indexer.sources", "indexer.opensearch"), ("indexer.sources", "indexer.pipeline"),
    ("indexer.extract", "indexer.whoosh"), ("indexer.extract", "indexer.opensearch"),
    ("indexer.extract", "indexer.pipeline"), ("indexer.extract", "indexer.backends"),
    ("indexer.analysis", "indexer.extract"), ("indexer.analysis", "indexer.whoosh"),
    ("indexer.analysis", "indexer.opensearch"),
    ("indexer.whoosh", "indexer.opensearch"), ("indexer.opensearch", "indexer.whoosh"),
    ("search.whoosh", "search.opensearch"), ("search.opensearch", "search.whoosh"),
    ("search.opensearch", "indexer.whoosh"), ("search.whoosh", "indexer.opensearch"),
]
# the wiring: a face that names every backend, and the one place that picks one
WIRING = {"indexer", "indexer.backends", "search"}
SHARED_SEARCH = ("search.whoosh", "search.opensearch")


def _under(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def violations(graph: dict[str, set[str]]) -> list[tuple[str, str]]:
    """Every import that runs against a concern's direction."""
    found = []
    for module, targets in graph.items():
        for target in targets:
            if any(_under(module, a) and _under(target, b) for a, b in FORBIDDEN):
                found.append((module, target))
            elif module.startswith("search.") and not any(_under(module, s) for s in SHARED_SEARCH) \
                    and module not in WIRING and any(_under(target, s) for s in SHARED_SEARCH):
                found.append((module, target))  # shared query code reaching into a backend
            elif module.startswith("web") and target.count(".") and target.split(".")[0] in ("indexer", "search"):
                found.append((module, target))  # the web face uses the packages' faces only
    return sorted(found)


def test_concerns_keep_their_direction():
    assert violations(import_graph()) == []


def test_the_checker_sees_a_wrong_direction():
    graph = {"indexer.extract.orgs": {"indexer.whoosh.schema"}, "indexer.whoosh.build": {"indexer.opensearch"},
             "search.query": {"search.whoosh.docsets"}, "web.cli": {"indexer.whoosh.store"},
             "search.whoosh.service": {"search.query"}, "web.api": {"search"}}
    assert violations(graph) == [("indexer.extract.orgs", "indexer.whoosh.schema"),
                                 ("indexer.whoosh.build", "indexer.opensearch"),
                                 ("search.query", "search.whoosh.docsets"), ("web.cli", "indexer.whoosh.store")]


def test_the_checker_sees_a_cycle():
    assert _cycle({"indexer.a": {"indexer.b"}, "indexer.b": {"indexer.a"}}) == ["indexer.a", "indexer.b", "indexer.a"]
