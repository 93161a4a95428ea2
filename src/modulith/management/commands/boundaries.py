"""`manage.py boundaries`: the boundary checks (modulith.B0xx) over every installed context."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from modulith.architecture.boundaries import check_boundaries, format_text


class Command(BaseCommand):
    help = (
        "Report every way a context reaches past its boundary that the source shows (dynamic "
        "lookups, raw SQL, foreign aliases, hand-connected signals, generic relations, models "
        "exposed by an api, unpublished events, side effects in transactions), one line each: "
        "path:line:col: ID message. Exits non-zero when there is any."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        findings = check_boundaries()
        for found in findings:
            self.stdout.write(format_text(found))
        if findings:
            raise CommandError(f"{len(findings)} boundary finding(s); each says how to fix it.")
        self.stdout.write("No context reaches past its boundary.")
