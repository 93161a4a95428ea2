"""The real import graph (grimp, the engine behind import-linter), read for sync api calls."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import grimp


@dataclass(frozen=True, order=True)
class ApiImport:
    """Module `importer` of context `caller` imports `imported`, the api of context `callee`."""

    caller: str
    callee: str
    importer: str
    imported: str


def build_import_graph(packages: Iterable[str]) -> grimp.ImportGraph:
    # No cache: the graph is built once per command, and a cache directory would be left behind
    # in whatever directory the command ran from.
    return grimp.build_graph(*sorted(set(packages)), cache_dir=None)


def _owner(module: str, packages: Mapping[str, str]) -> str | None:
    """The context whose package holds `module` (packages: context package → context name)."""
    for package, context in packages.items():
        if module == package or module.startswith(f"{package}."):
            return context
    return None


def api_imports(graph: grimp.ImportGraph, packages: Mapping[str, str]) -> list[ApiImport]:
    """Every import of one context's module into another context's api module (or api package).

    `packages` maps each context's package ("contexts.orders") to its name ("orders").
    Imports of `events` are left out on purpose: they are the asynchronous dependencies, which
    the context map takes from the event registry instead.
    """
    found = set()
    for package, callee in packages.items():
        api = f"{package}.api"
        if api not in graph.modules:
            continue
        for imported in {api, *graph.find_descendants(api)}:
            for importer in graph.find_modules_that_directly_import(imported):
                caller = _owner(importer, packages)
                if caller is not None and caller != callee:
                    found.add(ApiImport(caller, callee, importer, imported))
    return sorted(found)
