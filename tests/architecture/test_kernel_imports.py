"""The kernel's import graph has no cycle, and hides none behind imports inside functions.

grimp reads every import statement of src/modulith, those inside functions included, so a cycle
that only closes at call time counts. Imports under `if TYPE_CHECKING:` never run and are left
out. An import inside a function is allowed only for a reason written down here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import grimp
import pytest

import modulith

KERNEL = Path(modulith.__file__).parent

# (module, function) -> why the import waits until the function runs.
DEFERRED_IMPORTS = {
    ("modulith.apps", "ready"): "Django: the modules it loads import models, which need the "
    "app registry, ready only once every app is imported",
    ("modulith.topology.apps", "ready"): "Django: as modulith.apps.ready",
    ("modulith.ops.schedule", "ensure_schedule"): "beat's models: they need the app registry, "
    "and only the service that keeps beat's schedule has their tables",
    ("modulith.ops.schedule", "ensure_schedule_after_migrate"): "beat's models, as above",
    ("modulith.remote.functions", "call"): "httpx and the client: imported only by a process "
    "that calls another service",
    ("modulith.topology.checks", "api_call_graph"): "grimp: only the commands that draw or "
    "check the import graph need it, never a running service",
}


def import_cycles(package: str) -> list[tuple[str, str]]:
    """(importer, imported) for every direct import whose imported module leads back."""
    graph = grimp.build_graph(package, cache_dir=None, exclude_type_checking_imports=True)
    return sorted(
        (importer, imported)
        for importer in graph.modules
        for imported in graph.find_modules_directly_imported_by(importer)
        if graph.chain_exists(importer=imported, imported=importer)
    )


def test_the_import_graph_of_the_kernel_has_no_cycle() -> None:
    cycles = import_cycles("modulith")

    assert cycles == [], f"imports that close a cycle (importer, imported): {cycles}"


def test_a_cycle_closed_inside_a_function_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "cyclic"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "dispatch.py").write_text("def send():\n    from cyclic import tasks\n")
    (package / "tasks.py").write_text("from cyclic import dispatch\n")
    monkeypatch.syspath_prepend(str(tmp_path))

    assert import_cycles("cyclic") == [
        ("cyclic.dispatch", "cyclic.tasks"),
        ("cyclic.tasks", "cyclic.dispatch"),
    ]


class _DeferredImports(ast.NodeVisitor):
    """Collects the innermost function around each import statement."""

    def __init__(self) -> None:
        self.functions: list[str] = []
        self.found: set[str] = set()

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.functions.append(node.name)
        self.generic_visit(node)
        self.functions.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Import(self, node: ast.Import | ast.ImportFrom) -> None:
        if self.functions:
            self.found.add(self.functions[-1])

    visit_ImportFrom = visit_Import


def deferred_imports(package: Path) -> set[tuple[str, str]]:
    """(module, function) of every import statement inside a function of the package."""
    found = set()
    for path in package.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(package.parent).with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        visitor = _DeferredImports()
        visitor.visit(ast.parse(path.read_text(), str(path)))
        found |= {(module, function) for function in visitor.found}
    return found


def test_imports_inside_functions_are_only_those_with_a_written_reason() -> None:
    found = deferred_imports(KERNEL)

    unexplained = found - set(DEFERRED_IMPORTS)
    assert unexplained == set(), (
        "move these imports to the top of the module; if that makes a cycle, register behaviour "
        f"instead of importing upwards, or write down why the import must wait: {unexplained}"
    )
    assert set(DEFERRED_IMPORTS) <= found, "a reason outlived its import: remove it"


def test_the_scan_finds_an_import_inside_a_nested_function(tmp_path: Path) -> None:
    package = tmp_path / "kernel"
    (package / "events").mkdir(parents=True)
    (package / "__init__.py").write_text("from typing import Any\n")
    (package / "events" / "relay.py").write_text(
        "import logging\n\n"
        "def relay():\n"
        "    def send():\n"
        "        from kernel.events import dispatch\n"
        "    return send\n"
    )

    assert deferred_imports(package) == {("kernel.events.relay", "send")}
