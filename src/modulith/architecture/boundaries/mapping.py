"""B014: a context's api is the only module that builds the DTOs its functions return (rule 13).

The import contracts keep services and selectors from importing the api at all; this check
covers the modules allowed to import it (the entry points, and modules outside the layers such
as demo data loaders), which could otherwise map a model row to an api DTO on their own and let
the two mappings drift apart. Argument DTOs (`shipping.api.ParcelLine`) are built by callers by
design, so only the classes reachable from the api functions' return hints count.
"""

from __future__ import annotations

import ast
import dataclasses
from importlib import import_module
from importlib.util import find_spec
from typing import Any, get_args, get_type_hints

from modulith.architecture.boundaries.findings import Finding, finding
from modulith.architecture.boundaries.source import ModuleSource
from modulith.contexts.registry import ContextConfig
from modulith.remote.registry import api_functions_of

API_MODULE = "api"


def result_dtos(context: ContextConfig) -> frozenset[str]:
    """The names under which the context's api binds the DTO classes its functions return,
    nested ones included (an OrderDTO's OrderLineDTO)."""
    module_name = f"{context.name}.{API_MODULE}"
    if find_spec(module_name) is None:
        return frozenset()
    module = import_module(module_name)
    found: set[type] = set()
    for spec in api_functions_of(module_name).values():
        _collect(get_type_hints(spec.local).get("return"), found)
    return frozenset(
        name for name, value in vars(module).items() if isinstance(value, type) and value in found
    )


def _collect(hint: Any, found: set[type]) -> None:
    for argument in get_args(hint):
        _collect(argument, found)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint) and hint not in found:
        found.add(hint)
        for field_hint in get_type_hints(hint).values():
            _collect(field_hint, found)


def dto_builds(source: ModuleSource, dtos: frozenset[str]) -> list[Finding]:
    """Calls in `source` (a module of the context, not its api) that build one of `dtos`."""
    if not dtos or source.leaf == API_MODULE or source.is_migration:
        return []
    api_module = f"{source.context.name}.{API_MODULE}"
    classes: dict[str, str] = {}  # local name -> DTO name, from `from <api> import X`
    modules: set[str] = set()  # local names bound to the api module itself
    for node in ast.walk(source.tree):
        if isinstance(node, ast.ImportFrom) and node.module == api_module:
            classes |= {a.asname or a.name: a.name for a in node.names if a.name in dtos}
        elif isinstance(node, ast.ImportFrom) and node.module == source.context.name:
            modules |= {a.asname or a.name for a in node.names if a.name == API_MODULE}
        elif isinstance(node, ast.Import):
            modules |= {a.asname for a in node.names if a.name == api_module and a.asname}
    findings = []
    for node in ast.walk(source.tree):
        if not isinstance(node, ast.Call):
            continue
        built = _built_dto(node.func, classes, modules, dtos)
        if built is None:
            continue
        findings.append(
            finding(
                source.relative_path,
                node.lineno,
                node.col_offset + 1,
                "modulith.B014",
                f"{source.module} builds {api_module}.{built}: only the api maps to the DTOs "
                "its functions return.",
                f"call the {api_module} function that returns it, or move the mapping into "
                f"{api_module} (a private `_..._dto()` helper) and call that.",
            )
        )
    return findings


def _built_dto(
    func: ast.expr, classes: dict[str, str], modules: set[str], dtos: frozenset[str]
) -> str | None:
    if isinstance(func, ast.Name):
        return classes.get(func.id)
    if (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id in modules
        and func.attr in dtos
    ):
        return func.attr
    return None
