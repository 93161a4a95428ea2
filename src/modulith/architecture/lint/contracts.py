"""The import contracts of importlinter.ini as findings at the line of the offending import.

import-linter's own report names modules and line numbers (`contexts.orders.services ->
contexts.inventory.models (l.5)`); a pull request needs a file and a line. Each contract type
keeps its broken imports in a differently shaped `metadata`, so this walks it for what they all
share: chains of links `{"importer", "imported", "line_numbers"}` (forbidden, independence,
layers), `(importer, imported)` pairs (acyclic_siblings) and this project's ForbiddenImport
records (forbidden_external). A chain is reported once, at its first import, naming every step.
"""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Iterable, Iterator, Mapping
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import grimp
from importlinter.application import use_cases
from importlinter.configuration import configure
from importlinter.domain.contract import Contract, ContractCheck

from modulith.architecture.boundaries import Finding
from modulith.architecture.boundaries.source import display_path

# One import: (importer, imported, line number or None).
Step = tuple[str, str, int | None]


class ContractsNotRun(RuntimeError):
    """The contracts could not be checked at all (a bad option, a module that fails to import)."""


def import_contract_findings(config: Path) -> list[Finding]:
    report = _report(config)
    findings: list[Finding] = []
    for contract, check in report.get_contracts_and_checks():
        if not check.kept:
            findings += contract_findings(contract, check, report.graph, config)
    return findings


def _report(config: Path) -> Any:
    # grimp logs every cache file it reads at INFO; the findings are the output here.
    logging.getLogger("grimp").setLevel(logging.WARNING)
    configure()
    options = use_cases.read_user_options(config_filename=str(config))
    # What `lint-imports` does before checking: make the built-in contract types and those named
    # under contract_types known (a private step of import-linter, pinned in requirements.lock).
    use_cases._register_contract_types(options)
    # Its progress display writes to stdout, which holds only findings here.
    with contextlib.redirect_stdout(io.StringIO()):
        report = use_cases.create_report(options)
    if report.could_not_run:
        raise ContractsNotRun(
            f"import-linter could not run the contracts of {config.name}: "
            f"{dict(report.invalid_contract_options)}; run lint-imports for details."
        )
    return report


def contract_findings(
    contract: Contract, check: ContractCheck, graph: grimp.ImportGraph, config: Path
) -> list[Finding]:
    guidance = " ".join(str(getattr(contract, "broken_contract_guidance", "") or "").split())
    contract_id = f"importlinter.{_contract_key(contract)}"
    findings = {}
    for chain in chains(check.metadata, graph):
        importer, _, line = chain[0]
        path, column = _module_place(importer, line)
        route = " -> ".join([chain[0][0], *(imported for _, imported, _ in chain)])
        message = f"{route} breaks the contract '{contract.name}'. {guidance}".strip()
        findings[(path, line)] = Finding(path, line or 1, column, contract_id, message)
    if not findings:  # broken for a reason without an import, e.g. an outdated ignore_imports
        line = _contract_line(config, contract)
        reasons = " ".join(str(warning) for warning in check.warnings)
        message = f"The contract '{contract.name}' is broken. {reasons} (lint-imports has details)"
        return [Finding(display_path(config), line, 1, contract_id, message)]
    return list(findings.values())


def chains(metadata: Any, graph: grimp.ImportGraph) -> Iterator[list[Step]]:
    """Every chain of imports in a contract check's metadata, whatever its contract type."""
    if _is_link(metadata):
        yield [_step(metadata)]
    elif isinstance(metadata, Mapping) and "chain" in metadata:
        # A chain, plus other first imports that lead into the same chain (extra_firsts); the
        # extra_lasts end it elsewhere and add no new place in the importing module.
        chain = [_step(link) for link in metadata["chain"]]
        yield chain
        for first in metadata.get("extra_firsts", ()):
            yield [_step(first), *chain[1:]]
    elif isinstance(metadata, list) and metadata and all(_is_link(item) for item in metadata):
        yield [_step(link) for link in metadata]
    elif isinstance(metadata, Mapping):
        for value in metadata.values():
            yield from chains(value, graph)
    elif _is_module_pair(metadata, graph):
        importer, imported = metadata
        yield [(importer, imported, _first_line(graph, importer, imported))]
    elif hasattr(metadata, "importer") and hasattr(metadata, "line_number"):
        yield [(metadata.importer, getattr(metadata, "forbidden", "?"), metadata.line_number)]
    elif isinstance(metadata, Iterable) and not isinstance(metadata, str | bytes):
        for item in sorted(metadata, key=repr):
            yield from chains(item, graph)


def _is_link(value: Any) -> bool:
    return isinstance(value, Mapping) and {"importer", "imported", "line_numbers"} <= value.keys()


def _step(link: Mapping[str, Any]) -> Step:
    # import-linter writes None (or -1 in layers) for a line it does not know.
    lines = [number for number in link["line_numbers"] if number is not None and number > 0]
    return link["importer"], link["imported"], min(lines) if lines else None


def _is_module_pair(value: Any, graph: grimp.ImportGraph) -> bool:
    return (
        isinstance(value, tuple)
        and len(value) == 2
        and all(isinstance(part, str) and part in graph.modules for part in value)
    )


def _first_line(graph: grimp.ImportGraph, importer: str, imported: str) -> int | None:
    details = graph.get_import_details(importer=importer, imported=imported)
    return min((detail["line_number"] for detail in details), default=None)


def _module_place(module: str, line: int | None) -> tuple[str, int]:
    """The module's file (relative to the project) and the column where line `line` starts."""
    spec = find_spec(module)
    if spec is None or not spec.origin:
        return module.replace(".", "/") + ".py", 1
    path = Path(spec.origin)
    column = 1
    if line:
        lines = path.read_text(encoding="utf-8").splitlines()
        if 0 < line <= len(lines):
            text = lines[line - 1]
            column = len(text) - len(text.lstrip()) + 1
    return display_path(path), column


def _contract_key(contract: Contract) -> str:
    """The contract's id in the ini file (`[importlinter:contract:<id>]`), else its name."""
    return str(contract.contract_options.get("id", contract.name))


def _contract_line(config: Path, contract: Contract) -> int:
    text = config.read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip().startswith("[importlinter:contract:") and _contract_key(contract) in line:
            return number
    return 1
