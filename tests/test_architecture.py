"""The house's import rules, read from the source (``ast``, nothing imported):

- ``core`` and ``reference`` (the ground floor) import no domain app;
- no app imports ``demo`` (the top of the house), only the project-level modules may;
- the apps import one another one way: the app graph has no cycle.

Every import counts, function-level ones included: a lazy import hides a dependency, it does
not remove it.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from functools import cache
from pathlib import Path

import clusterhub

PACKAGE = Path(clusterhub.__file__).resolve().parent
GROUND_FLOOR = {"core", "reference"}
TOP = "demo"


def _apps() -> set[str]:
    return {path.parent.name for path in PACKAGE.glob("*/apps.py")}


def _module_name(path: Path) -> str:
    parts = ["clusterhub", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(path: Path) -> set[str]:
    """Absolute names of the modules a file imports, relative imports resolved."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    return imported_by(path.read_text(encoding="utf-8"), package, str(path))


def imported_by(source: str, package: str, filename: str = "<source>") -> set[str]:
    """The modules (and possible submodules) that ``source``, a module of ``package``,
    imports anywhere in its body."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
            # ``from clusterhub import registry`` imports the app itself
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def _app_of(module: str, apps: set[str]) -> str | None:
    parts = module.split(".")
    if len(parts) >= 2 and parts[0] == "clusterhub" and parts[1] in apps:
        return parts[1]
    return None


@cache
def app_imports() -> dict[str, dict[str, set[str]]]:
    """app -> imported app -> the modules of the app that import it (the app itself left out).
    Project-level modules (settings, urls, views, api, …) are under the key ``""``."""
    apps = _apps()
    graph: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for path in sorted(PACKAGE.rglob("*.py")):
        source = _app_of(_module_name(path), apps) or ""
        for module in _imported(path):
            target = _app_of(module, apps)
            if target and target != source:
                graph[source][target].add(_module_name(path))
    return graph


def _describe(source: str, targets: dict[str, set[str]], wanted) -> list[str]:
    return [
        f"{module} imports clusterhub.{target}"
        for target, modules in sorted(targets.items())
        if wanted(target)
        for module in sorted(modules)
    ]


def test_the_apps_are_found():
    assert {"core", "reference", "registry", "events", TOP} <= _apps()
    assert app_imports()["demo"], "the demo imports the apps whose content it loads"


def test_the_ground_floor_imports_no_domain_app():
    graph = app_imports()
    wrong = [
        line
        for app in sorted(GROUND_FLOOR)
        for line in _describe(app, graph.get(app, {}), lambda target: target not in GROUND_FLOOR)
    ]
    assert wrong == []


def test_no_app_imports_the_demo():
    wrong = [
        line
        for app, targets in sorted(app_imports().items())
        if app not in (TOP, "")
        for line in _describe(app, targets, lambda target: target == TOP)
    ]
    assert wrong == []


def _cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as [a, b, …, a], or None."""
    state: dict[str, int] = {}  # 1: on the path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(edges.get(node, ())):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (found := visit(target)):
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_apps_import_one_another_one_way():
    graph = app_imports()
    edges = {app: set(targets) for app, targets in graph.items() if app}
    cycle = _cycle(edges)
    if cycle:
        steps = [
            f"{a} → {b} ({', '.join(sorted(graph[a][b]))})"
            for a, b in zip(cycle, cycle[1:], strict=False)
        ]
        raise AssertionError("the apps import one another in a loop:\n" + "\n".join(steps))


def test_the_cycle_finder_finds_cycles():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_lazy_and_relative_imports_count():
    source = """
from . import services
from ..events.models import Event


def later():
    from clusterhub.demo import loader
    import clusterhub.partnering.selectors
"""
    modules = imported_by(source, "clusterhub.matchmaking")
    apps = {_app_of(module, _apps()) for module in modules}
    assert apps == {"matchmaking", "events", "demo", "partnering"}
