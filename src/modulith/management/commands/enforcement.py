"""`manage.py enforcement [--check]`: write (or verify) docs/enforcement.md."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from modulith.architecture.enforcement import PAGE, drift, render
from modulith.architecture.files import project_root, staleness, write_text


class Command(BaseCommand):
    help = (
        "Write docs/enforcement.md: each architecture rule, the contracts, checks and guards "
        "that enforce it, and their injection tests. With --check, fail if the page is stale or "
        "an enforcement has no injection test."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="Write nothing; verify.")

    def handle(self, *args: Any, **options: Any) -> None:
        root = project_root()
        path = root / PAGE
        text = render(root)
        if not options["check"]:
            write_text(path, text)
            self.stdout.write(f"Wrote {path}.")
            return
        problems = drift(root)
        difference = staleness(path, text)
        if difference is not None:
            problems.append(
                f"{PAGE} no longer matches the code:\n{difference}\n"
                "Fix: run `manage.py enforcement` and commit the page."
            )
        if problems:
            raise CommandError("\n".join(problems))
        self.stdout.write(f"{PAGE} matches the code, and every enforcement has its test.")
