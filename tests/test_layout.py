"""The house layout, checked on the source tree itself (no database, no Django needed).

- every app keeps layer packages of topic modules (``services/orders.py``), never
  ``<layer>_<topic>.py`` files;
- a layer package's ``__init__.py`` stays empty, except ``models/`` (Django loads an app's
  models from ``models/__init__``);
- ``guanxi.core`` imports no domain app: the apps plug into core through registries;
- no two modules import each other, directly or through others, at module level.
"""

import ast
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SOURCE / "guanxi"

LAYERS = ("api", "forms", "views", "selectors", "services", "seed", "tasks", "models")
LAYER_SUFFIX_MODULE = re.compile(rf"^({'|'.join(LAYERS)})_\w+$")
# Layer packages whose __init__ may hold code: Django imports an app's models from there.
INIT_MAY_HOLD_CODE = {"models"}
DOMAIN_APPS = (
    "accounts",
    "customers",
    "sales",
    "service",
    "analytics",
    "collaboration",
    "marketing",
    "loyalty",
    "evaluation",
)


def _modules() -> dict[str, Path]:
    """Every module of the ``guanxi`` package by dotted name (packages by their own name)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(SOURCE).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _is_package(name: str) -> bool:
    return MODULES[name].name == "__init__.py"


def _resolve(module: str, node: ast.ImportFrom) -> str:
    """The absolute module name of ``from <node.module> import ...`` written in ``module``."""
    if not node.level:
        return node.module or ""
    package = module if _is_package(module) else module.rpartition(".")[0]
    for _up in range(node.level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{node.module}" if node.module else package


def _imported(module: str, node: ast.Import | ast.ImportFrom) -> Iterator[str]:
    """The ``guanxi`` modules an import statement loads (``from x import y``: ``x.y`` when
    ``y`` is a module, else ``x``)."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.name.startswith("guanxi"):
                yield alias.name
        return
    base = _resolve(module, node)
    if not base.startswith("guanxi"):
        return
    for alias in node.names:
        candidate = f"{base}.{alias.name}"
        yield candidate if candidate in MODULES else base


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _module_level_imports(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    """Imports run when the module is loaded: top level, and inside top-level ``if``/``try``
    blocks (not functions, classes, or ``if TYPE_CHECKING:``)."""
    pending: list[ast.stmt] = list(tree.body)
    while pending:
        node = pending.pop(0)
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If):
            pending.extend(node.orelse if _is_type_checking(node) else node.body + node.orelse)
        elif isinstance(node, ast.Try):
            for handler in node.handlers:
                pending.extend(handler.body)
            pending.extend(node.body + node.orelse + node.finalbody)


def _tree(name: str) -> ast.Module:
    return ast.parse(MODULES[name].read_text(encoding="utf-8"), filename=str(MODULES[name]))


def _loaded_with(importer: str, target: str) -> Iterator[str]:
    """``target`` and the packages above it that loading it runs first (``a.b.c`` runs
    ``a.b/__init__``), except those ``importer`` is inside of: they are loaded already."""
    parts = target.split(".")
    for depth in range(2, len(parts) + 1):
        module = ".".join(parts[:depth])
        if module in MODULES and not importer.startswith(f"{module}."):
            yield module


def _import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for name in MODULES:
        for node in _module_level_imports(_tree(name)):
            for target in _imported(name, node):
                graph[name].update(m for m in _loaded_with(name, target) if m != name)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each as one cycle
    through its modules: ``[a, b, c, a]``."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    counter = 0

    def visit(root: str) -> None:
        nonlocal counter
        # Iterative, so a long import chain never hits the recursion limit.
        work = [(root, iter(sorted(graph.get(root, ()))))]
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
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(sorted(component))

    for name in sorted(MODULES):
        if name not in index:
            visit(name)
    return [_cycle_through(graph, component) for component in sorted(components)]


def _cycle_through(graph: dict[str, set[str]], component: list[str]) -> list[str]:
    """A shortest import cycle from the component's first module back to itself."""
    members = set(component)
    start = component[0]
    came_from: dict[str, str] = {}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for child in sorted(graph.get(node, ())):
            if child not in members:
                continue
            if child == start:
                path = [node]
                while path[-1] != start:
                    path.append(came_from[path[-1]])
                return [start, *reversed(path[:-1]), start] if node != start else [start, start]
            if child not in came_from:
                came_from[child] = node
                queue.append(child)
    return [*component, start]


def _app_modules() -> Iterator[tuple[str, Path]]:
    """Modules inside an app (``guanxi.<app>....``); the project-level modules (settings, urls,
    cli...) are not part of any app."""
    for name, path in MODULES.items():
        if name.count(".") >= 2:
            yield name, path


# --- the checks -----------------------------------------------------------------------------


def test_the_source_tree_is_found():
    assert "guanxi.core.models" in MODULES
    assert "guanxi.settings" in MODULES


def test_no_layer_suffix_modules_anywhere():
    offenders = [
        str(path.relative_to(SOURCE))
        for _name, path in MODULES.items()
        if path.name != "__init__.py" and LAYER_SUFFIX_MODULE.match(path.stem)
    ]
    assert not offenders, (
        "Put these in a layer package as topic modules (services/orders.py, not "
        f"services_orders.py): {offenders}"
    )


def test_layer_packages_have_empty_init_files():
    offenders = []
    for name, path in _app_modules():
        layer = name.rpartition(".")[2]
        if path.name != "__init__.py" or layer not in LAYERS or layer in INIT_MAY_HOLD_CODE:
            continue
        if path.read_text(encoding="utf-8").strip():
            offenders.append(str(path.relative_to(SOURCE)))
    assert not offenders, f"Layer packages keep an empty __init__.py: {offenders}"


def _domain_imports(name: str) -> Iterator[tuple[int, str]]:
    """Every import of a domain app in ``name``, wherever it is (functions and
    ``TYPE_CHECKING`` blocks included)."""
    for node in ast.walk(_tree(name)):
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = _resolve(name, node)
            targets = [f"{base}.{alias.name}" for alias in node.names]
        for target in targets:
            parts = target.split(".")
            if len(parts) > 1 and parts[0] == "guanxi" and parts[1] in DOMAIN_APPS:
                yield node.lineno, target


def test_core_imports_no_domain_app():
    offenders = [
        f"{MODULES[name].relative_to(SOURCE)}:{line} imports {target}"
        for name in MODULES
        if name == "guanxi.core" or name.startswith("guanxi.core.")
        for line, target in _domain_imports(name)
    ]
    assert not offenders, (
        "guanxi.core imports no domain app; let the app register with core instead: "
        + "; ".join(offenders)
    )


def test_no_import_cycles():
    cycles = _cycles(_import_graph())
    assert not cycles, "Import cycles between modules (each module imports the next):\n" + (
        "\n".join(" → ".join(cycle) for cycle in cycles)
    )


# --- the checker checks itself ----------------------------------------------------------------


def test_cycle_finder_reports_each_cycle_with_its_modules():
    graph = {
        "a": {"b"},
        "b": {"c"},
        "c": {"a", "d"},
        "d": set(),
        "x": {"y"},
        "y": {"x"},
    }
    global MODULES
    saved = MODULES
    MODULES = {name: Path(f"{name}.py") for name in graph}
    try:
        assert _cycles(graph) == [["a", "b", "c", "a"], ["x", "y", "x"]]
    finally:
        MODULES = saved


def test_from_import_of_a_module_is_an_edge_to_that_module():
    node = ast.parse(
        "from guanxi.core import rules, navigation\nfrom guanxi.core.rules import require"
    )
    first, second = node.body
    assert set(_imported("guanxi.accounts.apps", first)) == {
        "guanxi.core.rules",
        "guanxi.core.navigation",
    }
    assert set(_imported("guanxi.accounts.apps", second)) == {"guanxi.core.rules"}


def test_relative_imports_are_resolved():
    node = ast.parse("from .users import User\nfrom .. import roles").body
    assert _resolve("guanxi.accounts.models.users", node[0]) == "guanxi.accounts.models.users"
    assert _resolve("guanxi.accounts.models.users", node[1]) == "guanxi.accounts"
    assert _resolve("guanxi.accounts.models", node[0]) == "guanxi.accounts.models.users"


def test_loading_a_module_runs_the_packages_above_it():
    assert list(_loaded_with("guanxi.accounts.models.users", "guanxi.core.models.base")) == [
        "guanxi.core",
        "guanxi.core.models",
        "guanxi.core.models.base",
    ]
    # The packages a module is inside of are loaded already when it runs.
    assert list(_loaded_with("guanxi.core.services.records", "guanxi.core.models.base")) == [
        "guanxi.core.models",
        "guanxi.core.models.base",
    ]
