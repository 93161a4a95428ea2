"""`manage.py startcontext <name>`: add a bounded context with the whole anatomy, registered.

Creates <contexts>/<name>/ (apps, api, events, models, services, selectors, handlers, tasks,
admin, rest/, migrations/) and tests/<name>/ with a first passing test, adds the package to
CONTEXT_APPS in the settings module (the project mounts every entry at /api/<name>/), then
regenerates the context map so `make lint` passes as it stands.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from modulith.architecture.files import project_root
from modulith.architecture.scaffold import NewContext, ScaffoldError, create_context, validate_name
from modulith.contexts.registry import all_contexts

DEFAULT_PACKAGE = "contexts"


def contexts_package() -> str:
    """The package the existing contexts live in ("contexts"), or the default for the first."""
    parents = Counter(context.name.rpartition(".")[0] for context in all_contexts())
    parents.pop("", None)
    return parents.most_common(1)[0][0] if parents else DEFAULT_PACKAGE


def settings_file() -> Path:
    """The settings file that lists CONTEXT_APPS: the settings module itself, or, when the
    settings are a package of modules by concern, the one of them that defines the list."""
    spec = find_spec(settings.SETTINGS_MODULE)
    if spec is None or spec.origin is None:
        raise CommandError(f"Cannot find the file of settings module {settings.SETTINGS_MODULE}.")
    origin = Path(spec.origin)
    candidates = sorted(origin.parent.glob("*.py")) if origin.name == "__init__.py" else [origin]
    for candidate in candidates:
        if "CONTEXT_APPS = [" in candidate.read_text(encoding="utf-8"):
            return candidate
    return origin


class Command(BaseCommand):
    help = "Create a new bounded context with its anatomy and a first test, and register it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="The context's name: package, app label and URL prefix.")
        parser.add_argument(
            "--no-contextmap",
            action="store_true",
            help="Do not regenerate the context map afterwards.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name: str = options["name"]
        package = contexts_package()
        root = project_root()
        try:
            validate_name(name, taken_labels={app.label for app in apps.get_app_configs()})
            written = create_context(
                NewContext(name=name, package=f"{package}.{name}"),
                package_directory=Path(import_module(package).__path__[0]),
                tests_directory=root / "tests",
                settings_file=settings_file(),
            )
        except ScaffoldError as error:
            raise CommandError(str(error)) from error
        for path in written:
            self.stdout.write(f"  {path.relative_to(root) if path.is_relative_to(root) else path}")
        if not options["no_contextmap"]:
            self._regenerate_context_map(root)
        self.stdout.write(
            self.style.SUCCESS(f"Created the {name} context ({package}.{name}).")
            + "\nNext: add models, then `manage.py makemigrations "
            + name
            + "`; public functions go in api.py, events in events.py; run `make lint`."
        )

    def _regenerate_context_map(self, root: Path) -> None:
        # A new process: this one's app registry cannot load an app added after start-up.
        manage = root / "manage.py"
        if not manage.exists():
            self.stderr.write("No manage.py found: run `manage.py contextmap` yourself.")
            return
        result = subprocess.run(
            [sys.executable, str(manage), "contextmap"],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            self.stderr.write(f"`manage.py contextmap` failed; run it yourself:\n{result.stderr}")
