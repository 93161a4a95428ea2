"""`manage.py boundaries`: the boundary checks (modulith.B0xx) over every installed context."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from modulith.architecture.boundaries import check_boundaries
from modulith.architecture.boundaries.findings import FORMATTERS
from modulith.management.commands.lint_architecture import add_format_option


class Command(BaseCommand):
    help = (
        "Report every way a context reaches past its boundary that the source shows (dynamic "
        "lookups, raw SQL, foreign aliases, hand-connected signals, generic relations, models "
        "exposed by an api, unpublished events, side effects in transactions), one line each: "
        "path:line:col: ID message. Exits non-zero when there is any."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_format_option(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        formatter = FORMATTERS[options["format"]]
        findings = check_boundaries()
        for found in findings:
            self.stdout.write(formatter(found))
        if findings:
            raise CommandError(f"{len(findings)} boundary finding(s); each says how to fix it.")
        self.stdout.write("No context reaches past its boundary.")
