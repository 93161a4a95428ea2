"""Scaffolding a new context: its package, its first test, its line in the settings.

The files come from templates/modulith/startcontext/ (`.py-tpl`, so that tools do not take the
templates for code). Placeholders use string.Template syntax (`${context}`), which cannot clash
with anything Python code contains.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass
from pathlib import Path
from string import Template

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "modulith" / "startcontext"
TEMPLATE_SUFFIX = ".py-tpl"
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
LIST_NAME = "CONTEXT_APPS"


class ScaffoldError(Exception):
    """The context cannot be created as asked; the message says why and what to do."""


@dataclass(frozen=True)
class NewContext:
    name: str  # "loyalty": the package directory, the app label, the URL prefix
    package: str  # "contexts.loyalty"

    @property
    def config_class(self) -> str:
        return "".join(part.capitalize() for part in self.name.split("_")) + "Config"

    @property
    def verbose_name(self) -> str:
        return self.name.replace("_", " ").capitalize()

    def substitutions(self) -> dict[str, str]:
        return {
            "context": self.name,
            "package": self.package,
            "config_class": self.config_class,
            "verbose_name": self.verbose_name,
        }


def validate_name(name: str, *, taken_labels: set[str]) -> None:
    if not NAME_PATTERN.match(name):
        raise ScaffoldError(
            f"{name!r} is not a valid context name: use lowercase letters, digits and "
            "underscores, starting with a letter (it becomes a package, an app label and a URL)."
        )
    if keyword.iskeyword(name):
        raise ScaffoldError(f"{name!r} is a Python keyword, which cannot name a package.")
    if name in taken_labels:
        raise ScaffoldError(f"An installed app is already labelled {name!r}; choose another name.")


def render_tree(source: Path, target: Path, substitutions: dict[str, str]) -> list[Path]:
    """Copy the template tree `source` to `target`, filling in the placeholders."""
    written = []
    for template in sorted(source.rglob(f"*{TEMPLATE_SUFFIX}")):
        relative = template.relative_to(source)
        destination = target / relative.with_name(
            relative.name.removesuffix(TEMPLATE_SUFFIX) + ".py"
        )
        text = Template(template.read_text(encoding="utf-8")).substitute(substitutions)
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(text, encoding="utf-8")
        written.append(destination)
    return written


def register_in_settings(settings_source: str, package: str) -> str:
    """`settings_source` with `package` appended to the CONTEXT_APPS list literal."""
    pattern = re.compile(
        rf"^(?P<head>{LIST_NAME}\b[^=\n]*=\s*\[\n)(?P<body>.*?)(?P<tail>^\])", re.M | re.S
    )
    match = pattern.search(settings_source)
    if match is None:
        raise ScaffoldError(
            f"No `{LIST_NAME} = [` ... `]` list (one entry a line, closing bracket at the start "
            f"of a line) in the settings module. Add {package!r} to INSTALLED_APPS by hand."
        )
    if re.search(rf"""["']{re.escape(package)}["']""", match["body"]):
        raise ScaffoldError(f"{package} is already listed in {LIST_NAME}.")
    body = match["body"]
    if body and not body.endswith("\n"):
        body += "\n"
    line = f'    "{package}",\n'
    return (
        settings_source[: match.start("body")]
        + body
        + line
        + settings_source[match.start("tail") :]
    )


def create_context(
    context: NewContext, *, package_directory: Path, tests_directory: Path, settings_file: Path
) -> list[Path]:
    """Write the context and its tests, and list it in the settings. Checks everything first,
    so a refusal leaves nothing half-made."""
    target = package_directory / context.name
    tests = tests_directory / context.name
    for directory in (target, tests):
        if directory.exists():
            raise ScaffoldError(f"{directory} already exists; choose another name or remove it.")
    settings_source = settings_file.read_text(encoding="utf-8")
    registered = register_in_settings(settings_source, context.package)

    written = render_tree(TEMPLATES / "context", target, context.substitutions())
    written += render_tree(TEMPLATES / "tests", tests, context.substitutions())
    settings_file.write_text(registered, encoding="utf-8")
    return [*written, settings_file]
