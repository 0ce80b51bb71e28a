"""The import rules of the house (issue 14), checked by reading the source: no module is imported.

1. Layers: congress ← deputies ← proposals, supervision. Congress imports no app (site-wide
   features find the apps' figures.py, opendata.py, demo.py, todo.py through
   congress.kit.registry); deputies imports neither proposals nor supervision; proposals and
   supervision do not import each other. String references (include("deputies.urls"),
   apps.get_model("proposals", ...)) are not imports and are fine.
2. No project module is imported inside a function or method (the way circles used to be dodged).
3. No import circle among the project's modules (imports at module level, as Python runs them).

Each allow-list below names who removes its entries; an entry that is no longer needed fails the
test, so that it is deleted rather than left to cover a new import.
"""

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("congress", "deputies", "proposals", "supervision")

# Which apps each app may import (its own code aside).
MAY_IMPORT = {
    "congress": set(),
    "deputies": {"congress"},
    "proposals": {"congress", "deputies"},
    "supervision": {"congress", "deputies"},
}

# (importing module, imported module) pairs allowed across the layers for now.
LAYER_ALLOWED: set[tuple[str, str]] = set()  # none left: the timeline moved into congress

# (module, imported module) pairs still imported inside a function, and why: none left.
FUNCTION_IMPORT_ALLOWED: set[tuple[str, str]] = set()


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    found = {}
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            found[_module_name(path)] = path
    return found


MODULES = _modules()


def _resolve(module: str, path: Path, node: ast.ImportFrom | ast.Import) -> list[str]:
    """The project modules an import statement loads (a package and/or its submodules)."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
        return [_known(name) for name in names if _known(name)]
    base = node.module or ""
    if node.level:  # relative: from the module's package
        package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
        package = package[: len(package) - (node.level - 1)]
        base = ".".join(package + ([base] if base else []))
    targets = []
    if _known(base):
        targets.append(_known(base))
    for alias in node.names:
        sub = f"{base}.{alias.name}"
        if sub in MODULES:
            targets.append(sub)
    return targets


def _known(name: str) -> str | None:
    """`name` or its nearest enclosing project module (import a.b.c loads a.b.c)."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


class _Imports(ast.NodeVisitor):
    """Module-level imports (outside functions and `if TYPE_CHECKING:`) and function-level ones."""

    def __init__(self, module: str, path: Path):
        self.module, self.path = module, path
        self.top: list[tuple[int, str]] = []
        self.inner: list[tuple[int, str]] = []
        self.depth = 0

    def _function(self, node):
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _function

    def visit_If(self, node):
        test = node.test
        name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", "")
        if name == "TYPE_CHECKING":  # never run: neither a layer import nor part of a circle
            for child in node.orelse:
                self.visit(child)
            return
        self.generic_visit(node)

    def _import(self, node):
        targets = _resolve(self.module, self.path, node)
        bucket = self.inner if self.depth else self.top
        bucket.extend((node.lineno, target) for target in targets)

    visit_Import = visit_ImportFrom = _import


def _scan() -> dict[str, _Imports]:
    scanned = {}
    for module, path in MODULES.items():
        visitor = _Imports(module, path)
        visitor.visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        scanned[module] = visitor
    return scanned


SCAN = _scan()


def _app(module: str) -> str:
    return module.split(".", 1)[0]


def test_the_scan_sees_the_project():
    # A guard against a scan that silently reads nothing.
    assert {"congress.models", "deputies.models", "proposals.models", "supervision.models"} <= set(
        MODULES
    )
    assert ("congress.opendata.datasets", "congress.kit.registry") in {
        (m, target) for m, v in SCAN.items() for _line, target in v.top
    }


def test_imports_point_one_way():
    broken, used = [], set()
    for module, visitor in SCAN.items():
        for line, target in visitor.top + visitor.inner:
            app, other = _app(module), _app(target)
            if app == other or other in MAY_IMPORT[app]:
                continue
            if (module, target) in LAYER_ALLOWED:
                used.add((module, target))
                continue
            broken.append(f"{MODULES[module].relative_to(ROOT)}:{line} imports {target}")
    assert broken == [], "imports against the layers (congress ← deputies ← proposals, supervision)"
    assert LAYER_ALLOWED - used == set(), "allow-list entries no longer needed: delete them"


def test_no_project_import_inside_a_function():
    found, used = [], set()
    for module, visitor in SCAN.items():
        for line, target in visitor.inner:
            if (module, target) in FUNCTION_IMPORT_ALLOWED:
                used.add((module, target))
                continue
            found.append(f"{MODULES[module].relative_to(ROOT)}:{line} imports {target}")
    assert found == [], "import at module level (a registry, not a late import, breaks a circle)"
    assert FUNCTION_IMPORT_ALLOWED - used == set(), "allow-list entries no longer needed"


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components of more than one module (or a self-import)."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = 0

    def connect(node):
        nonlocal counter
        # Iterative DFS: (node, iterator over its successors).
        work = [(node, iter(sorted(graph[node])))]
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        while work:
            current, successors = work[-1]
            advanced = False
            for succ in successors:
                if succ not in index:
                    index[succ] = low[succ] = counter
                    counter += 1
                    stack.append(succ)
                    on_stack.add(succ)
                    work.append((succ, iter(sorted(graph[succ]))))
                    advanced = True
                    break
                if succ in on_stack:
                    low[current] = min(low[current], index[succ])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[current])
            if low[current] == index[current]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == current:
                        break
                if len(component) > 1 or current in graph[current]:
                    found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def _path_through(graph: dict[str, set[str]], component: list[str]) -> list[str]:
    """One circle inside a strongly connected component, for the failure message."""
    members = set(component)
    start = component[0]
    parents, queue = {start: None}, [start]
    while queue:
        node = queue.pop(0)
        for succ in sorted(graph[node] & members):
            if succ == start:
                path = [node]
                while parents[path[-1]] is not None:
                    path.append(parents[path[-1]])
                return [*reversed(path), start]
            if succ not in parents:
                parents[succ] = node
                queue.append(succ)
    return component


def _graph() -> dict[str, set[str]]:
    graph = defaultdict(set)
    for module, visitor in SCAN.items():
        graph[module]
        for _line, target in visitor.top:
            if target != module:
                graph[module].add(target)
                graph[target]
    return graph


def test_no_import_circle():
    graph = _graph()
    circles = [" → ".join(_path_through(graph, c)) for c in _cycles(graph)]
    assert circles == []


def test_the_circle_finder_finds_a_circle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    (component,) = _cycles(graph)
    assert component == ["a", "b", "c"]
    assert _path_through(graph, component) == ["a", "b", "c", "a"]
    assert _cycles({"a": {"b"}, "b": set()}) == []
