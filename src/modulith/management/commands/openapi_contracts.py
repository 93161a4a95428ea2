"""`manage.py openapi_contracts --check | --write`: each context's committed REST contract.

--check fails when a snapshot under contracts/openapi/ no longer matches the code; --write
updates the snapshots. Both refuse a breaking change unless the context's api_version (an
attribute of its AppConfig, default 1) was raised. See modulith.architecture.openapi.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from modulith.architecture import openapi
from modulith.architecture.files import project_root, write_text
from modulith.contexts.registry import ContextConfig, all_contexts

DEFAULT_DIRECTORY = Path("contracts") / "openapi"


def api_version(context: ContextConfig) -> int:
    return int(getattr(context, "api_version", openapi.DEFAULT_API_VERSION))


class Command(BaseCommand):
    help = "Check (--check) or update (--write) contracts/openapi/<context>.json."

    def add_arguments(self, parser: CommandParser) -> None:
        mode = parser.add_mutually_exclusive_group(required=True)
        mode.add_argument("--check", action="store_true", help="Fail if a snapshot is stale.")
        mode.add_argument("--write", action="store_true", help="Update the snapshots.")
        parser.add_argument(
            "--directory",
            type=Path,
            default=None,
            help=f"Where snapshots live (default: {DEFAULT_DIRECTORY} under the project).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        directory: Path = options["directory"] or project_root() / DEFAULT_DIRECTORY
        schema = openapi.generate_project_schema()
        problems: list[str] = []
        contexts = sorted(all_contexts(), key=lambda context: context.label)
        for context in contexts:
            problems += self._one(context, schema, directory, write=options["write"])
        known = {f"{context.label}.json" for context in contexts}
        for orphan in sorted(p for p in directory.glob("*.json") if p.name not in known):
            problems.append(
                f"{orphan} belongs to no installed context. Removing a context removes its API: "
                "delete the file on purpose, in the same change."
            )
        if problems:
            raise CommandError("\n\n".join(problems))
        self.stdout.write(
            f"OpenAPI contracts {'written to' if options['write'] else 'match'} {directory}."
        )

    def _one(
        self, context: ContextConfig, schema: openapi.Schema, directory: Path, *, write: bool
    ) -> list[str]:
        path = directory / f"{context.label}.json"
        new = openapi.split_for_context(schema, context.label, api_version=api_version(context))
        if not path.exists():
            if not new["paths"]:
                return []  # nothing served yet, so nothing promised yet
            if write:
                write_text(path, openapi.dumps(new))
                return []
            return [f"{path} is missing. Fix: run `manage.py openapi_contracts --write`."]
        old = json.loads(path.read_text(encoding="utf-8"))
        assessment = openapi.assess(old, new)
        if not assessment.allowed:
            return [self._refusal(context, path, assessment)]
        if not assessment.changed:
            return []
        if write:
            write_text(path, openapi.dumps(new))
            return []
        return [
            f"{path} is stale: the {context.label} API changed without breaking clients. "
            "Fix: run `manage.py openapi_contracts --write` and commit the file."
        ]

    @staticmethod
    def _refusal(context: ContextConfig, path: Path, assessment: openapi.Assessment) -> str:
        where = f"{type(context).__module__}.{type(context).__qualname__}"
        if assessment.new_version < assessment.old_version:
            return (
                f"The {context.label} api_version went down from {assessment.old_version} to "
                f"{assessment.new_version} ({where}). Fix: restore it; versions only go up."
            )
        changes = "\n".join(f"  - {change}" for change in assessment.breaking)
        return (
            f"Breaking change to the {context.label} REST API ({path}):\n{changes}\n"
            f"Fix: keep the old behaviour for existing clients, or, if breaking them is intended, "
            f"raise `api_version` to {assessment.old_version + 1} on {where} and run "
            "`manage.py openapi_contracts --write`."
        )
