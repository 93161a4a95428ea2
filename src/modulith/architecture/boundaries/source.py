"""The Python modules of each installed context, parsed once for the boundary checks."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from modulith.architecture.files import project_root
from modulith.contexts.registry import ContextConfig

SKIPPED_DIRECTORIES = {"__pycache__", "templates", "static"}


@dataclass(frozen=True)
class ModuleSource:
    context: ContextConfig
    module: str  # dotted name, e.g. contexts.orders.services.placement
    path: Path
    tree: ast.Module

    @property
    def relative_path(self) -> str:
        return display_path(self.path)

    @property
    def leaf(self) -> str:
        """The module's path inside its context: "handlers", "services.placement", ..."""
        return self.module.removeprefix(self.context.name).lstrip(".")

    @property
    def is_migration(self) -> bool:
        return self.leaf.startswith("migrations.")


def display_path(path: Path | str) -> str:
    """A path relative to the project when it is inside it, as editors want it."""
    path = Path(path).resolve()
    try:
        return path.relative_to(project_root().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def context_modules(context: ContextConfig) -> Iterator[ModuleSource]:
    package = Path(context.path)
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package)
        if SKIPPED_DIRECTORIES & set(relative.parts):
            continue
        parts = relative.with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        module = ".".join((context.name, *parts))
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        yield ModuleSource(context=context, module=module, path=path, tree=tree)
