"""sagemock's modules import each other without cycles, counting imports made inside functions.

A cycle hidden behind a function-level import still ties two modules into one: neither can be
read, tested or replaced alone, and the order they load in decides what works. Imports under
`if TYPE_CHECKING:` are annotations only and do not count. A family reaches another family's
resources through the store (`store.table(kind)`), so no family module appears here either.
"""
from __future__ import annotations

import ast
from pathlib import Path

from sagemock.backends._index import OPERATIONS

PACKAGE = Path(__file__).resolve().parent.parent / "sagemock"


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, modules: set[str]) -> set[str]:
    """The sagemock modules `path` imports anywhere (functions included, TYPE_CHECKING not)."""
    name = _module(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            candidates = [f"{target}.{alias.name}" for alias in node.names] + [target]
            found.update(candidate for candidate in candidates if candidate in modules)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in modules)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    found.discard(name)
    # Importing `a.b.c` runs `a` and `a.b` first: a package's __init__ counts only when it imports.
    return found


def _graph() -> dict[str, set[str]]:
    paths = sorted(PACKAGE.rglob("*.py"))
    modules = {_module(path) for path in paths}
    return {_module(path): _imports(path, modules) for path in paths}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def connect(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph[module]):
            if imported not in index:
                connect(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            connect(module)
    return groups


def test_no_module_of_sagemock_is_part_of_an_import_cycle():
    cycles = _cycles(_graph())
    assert cycles == [], "import cycles (function-level imports count): " + "; ".join(
        " <-> ".join(group) for group in cycles)


def test_no_family_imports_another_family():
    graph = _graph()
    # A family is a module that answers operations; the others (job_tracking, monitoring_types,
    # schedule_expressions, ...) are helpers families may share.
    families = set(OPERATIONS.values())
    crossing = {module: sorted(graph[module] & families - {module}) for module in families}
    assert {module: found for module, found in crossing.items() if found} == {}


def test_a_cycle_is_found_where_there_is_one():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []
