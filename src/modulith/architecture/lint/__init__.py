"""The whole architecture lint as findings: import contracts, system checks, boundary checks.

Each source keeps its own engine (import-linter, Django's check framework, the AST pass of
modulith.architecture.boundaries); this package only turns what they report into Findings, so
`manage.py lint_architecture` can print all of them as `path:line:col: ID message` lines or as
GitHub annotations.
"""

from __future__ import annotations

from modulith.architecture.boundaries import Finding, check_boundaries
from modulith.architecture.files import project_root
from modulith.architecture.lint.contracts import ContractsNotRun, import_contract_findings
from modulith.architecture.lint.system_checks import system_check_findings

__all__ = ["ContractsNotRun", "architecture_findings"]

IMPORT_CONTRACTS = "importlinter.ini"


def architecture_findings() -> list[Finding]:
    """Every finding of the three sources, sorted by place."""
    findings = [
        *import_contract_findings(project_root() / IMPORT_CONTRACTS),
        *system_check_findings(),
        *check_boundaries(),
    ]
    return sorted(findings, key=lambda f: (f.path, f.line, f.col, f.id))
