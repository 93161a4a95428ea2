"""`manage.py lint_architecture`: import contracts, system checks and boundary checks at once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from modulith.architecture.boundaries.findings import FORMATTERS, default_format
from modulith.architecture.lint import ContractsNotRun, architecture_findings


def add_format_option(parser: CommandParser) -> None:
    parser.add_argument(
        "--format",
        choices=sorted(FORMATTERS),
        default=default_format(),
        help="text: `path:line:col: ID message`; github: `::error file=…,line=…` annotations "
        "that GitHub shows on the offending line of a pull request. Default: github inside "
        "GitHub Actions (GITHUB_ACTIONS=true), text elsewhere.",
    )


class Command(BaseCommand):
    help = (
        "Check the import contracts (importlinter.ini), the system checks (modulith.E0xx and "
        "Django's, warnings included) and the boundary checks (modulith.B0xx), and print every "
        "finding anchored to its file and line. Exits non-zero when there is any."
    )
    # It runs the system checks itself, to report them as findings rather than fail before.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        add_format_option(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        formatter = FORMATTERS[options["format"]]
        try:
            findings = architecture_findings()
        except ContractsNotRun as error:
            raise CommandError(str(error)) from error
        for found in findings:
            self.stdout.write(formatter(found))
        if findings:
            raise CommandError(f"{len(findings)} architecture finding(s); each says how to fix it.")
        self.stdout.write("Import contracts, system checks and boundary checks: no finding.")
