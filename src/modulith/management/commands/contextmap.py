"""`manage.py contextmap [--check]`: write (or verify) the generated context map."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from modulith.architecture.contextmap import collect_context_map, render_context_map
from modulith.architecture.files import project_root, staleness, write_text

DEFAULT_PATH = Path("docs") / "architecture" / "context-map.md"


class Command(BaseCommand):
    help = (
        "Write docs/architecture/context-map.md from the code: contexts, api calls, event flows, "
        "endpoints, tasks, models. With --check, fail if the committed file is stale."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Write nothing; exit non-zero if the file differs from what the code gives.",
        )
        parser.add_argument(
            "--output",
            type=Path,
            default=None,
            help=f"Where the map lives (default: {DEFAULT_PATH} under the project directory).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["output"] or project_root() / DEFAULT_PATH
        text = render_context_map(collect_context_map())
        if options["check"]:
            difference = staleness(path, text)
            if difference is not None:
                raise CommandError(
                    f"The context map is stale: {path} no longer matches the code.\n"
                    f"{difference}\n"
                    "Fix: run `manage.py contextmap` and commit the file."
                )
            self.stdout.write(f"The context map matches the code ({path}).")
            return
        write_text(path, text)
        self.stdout.write(f"Wrote {path}.")
