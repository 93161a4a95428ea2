"""A custom import-linter contract for rules about *parts* of third-party packages.

import-linter squashes external packages to their top-level name ("django"), so its built-in
contracts cannot say "contexts never import django.db.models.signals". This contract reads the
import statement behind each edge to a squashed external package and matches the full dotted
name instead. Registered in importlinter.ini under `contract_types`.

Only direct imports are checked: every module imports Django indirectly, and a rule about, say,
django.contrib.auth is about who calls it, not who happens to sit above it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import grimp
from importlinter import Contract, ContractCheck, fields, output
from importlinter.domain import helpers

_FROM_IMPORT = re.compile(r"^\s*from\s+(?P<module>[\w.]+)\s+import\s+(?P<names>.*)$")
_PLAIN_IMPORT = re.compile(r"^\s*import\s+(?P<modules>.+)$")


def imported_names(line: str) -> set[str]:
    """Every dotted name an import statement's first line may bring in.

    `from django.db.models import signals` yields both "django.db.models" and
    "django.db.models.signals", because `signals` may be a submodule. A parenthesised import
    spread over several lines still names its module on the first line, which is what counts.
    """
    from_import = _FROM_IMPORT.match(line)
    if from_import:
        module = from_import["module"]
        names = from_import["names"].split("#", 1)[0].strip().strip("()\\")
        members = [part.strip().split(" as ")[0].strip() for part in names.split(",")]
        return {module} | {f"{module}.{member}" for member in members if member.isidentifier()}
    plain_import = _PLAIN_IMPORT.match(line)
    if plain_import:
        modules = plain_import["modules"].split("#", 1)[0]
        return {
            part.strip().split(" as ")[0].strip() for part in modules.split(",") if part.strip()
        }
    return set()


def names_module(name: str, module: str) -> bool:
    return name == module or name.startswith(f"{module}.")


@dataclass(frozen=True, order=True)
class ForbiddenImport:
    importer: str
    line_number: int
    line_contents: str
    forbidden: str


class ForbiddenExternalContract(Contract):
    """Source modules must not directly import the forbidden external modules.

    Options:
        - source_modules:    module expressions (wildcards allowed), checked as packages.
        - forbidden_modules: dotted names inside external packages, e.g. django.contrib.auth.
        - exempt_modules:    module expressions allowed to import them anyway. (Optional.)
        - broken_contract_guidance: printed after the violations. (Optional.)

    Needs `include_external_packages = True` in the [importlinter] section.
    """

    type_name = "forbidden_external"

    source_modules = fields.ListField(subfield=fields.ModuleExpressionField())
    forbidden_modules = fields.ListField(subfield=fields.StringField())
    exempt_modules = fields.ListField(subfield=fields.ModuleExpressionField(), required=False)
    broken_contract_guidance = fields.TextField(required=False)

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        if not self.session_options.get("include_external_packages"):
            raise ValueError(
                f"Contract {self.name!r} needs include_external_packages = True in the "
                "[importlinter] section: external packages are otherwise absent from the graph."
            )
        forbidden: list[str] = self.forbidden_modules  # type: ignore[assignment]
        violations = sorted(
            violation
            for importer in self._checked_modules(graph)
            for violation in self._violations_of(graph, importer, forbidden)
        )
        return ContractCheck(kept=not violations, metadata={"violations": violations})

    def _checked_modules(self, graph: grimp.ImportGraph) -> set[str]:
        def expand(expressions: object) -> set[str]:
            if not expressions:
                return set()
            modules = helpers.module_expressions_to_modules(
                graph,
                expressions,  # type: ignore[arg-type]
                as_packages=True,
            )
            return {module.name for module in modules}

        return expand(self.source_modules) - expand(self.exempt_modules)

    @staticmethod
    def _violations_of(
        graph: grimp.ImportGraph, importer: str, forbidden: list[str]
    ) -> list[ForbiddenImport]:
        roots = {module.split(".", 1)[0] for module in forbidden}
        found = []
        for imported in graph.find_modules_directly_imported_by(importer):
            if imported not in roots:
                continue
            for detail in graph.get_import_details(importer=importer, imported=imported):
                names = imported_names(detail["line_contents"])
                for module in forbidden:
                    if any(names_module(name, module) for name in names):
                        found.append(
                            ForbiddenImport(
                                importer=importer,
                                line_number=detail["line_number"],
                                line_contents=detail["line_contents"],
                                forbidden=module,
                            )
                        )
        return found

    def render_broken_contract(self, check: ContractCheck) -> None:
        for violation in check.metadata["violations"]:
            output.print_error(
                f"{violation.importer} (l.{violation.line_number}) imports {violation.forbidden}: "
                f"{violation.line_contents}",
                bold=False,
            )
        output.new_line()
        if self.broken_contract_guidance:
            output.print(str(self.broken_contract_guidance))
            output.new_line()
