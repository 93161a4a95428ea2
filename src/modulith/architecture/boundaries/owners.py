"""Who owns a name: the context behind an app label, a module path, a database alias or a table.

Built once from the live app registry and settings, so a context added tomorrow is covered
without editing anything here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings

from modulith.contexts.registry import ContextConfig, all_contexts

# Modules of another context that anyone may import (rule 1).
PUBLIC_MODULES = ("api", "events")
# modulith's own tables, written on every context's behalf (rule 3's one exception).
KERNEL_APP_LABEL = "modulith"

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Owners:
    contexts: tuple[ContextConfig, ...]
    tables: dict[str, str] = field(default_factory=dict)  # table name -> context label

    @classmethod
    def from_registry(cls) -> Owners:
        contexts = tuple(all_contexts())
        tables = {
            model._meta.db_table.lower(): context.label
            for context in contexts
            for model in context.get_models(include_auto_created=True)
        }
        return cls(contexts=contexts, tables=tables)

    @cached_property
    def labels(self) -> frozenset[str]:
        return frozenset(context.label for context in self.contexts)

    def by_label(self, label: str) -> ContextConfig | None:
        return next((c for c in self.contexts if c.label == label), None)

    def of_module(self, module: str) -> ContextConfig | None:
        """The context whose package holds `module` (a dotted path)."""
        matches = [c for c in self.contexts if module == c.name or module.startswith(f"{c.name}.")]
        return max(matches, key=lambda c: len(c.name), default=None)

    def is_public_module(self, module: str, context: ContextConfig) -> bool:
        relative = module.removeprefix(context.name).lstrip(".")
        return relative.split(".")[0] in PUBLIC_MODULES if relative else False

    def of_alias(self, alias: str) -> ContextConfig | None:
        """The context that a literal database alias belongs to, if only one does.

        A context's label names its alias once it has a database of its own; a configured
        alias shared by several contexts (e.g. "default") belongs to none of them.
        """
        by_label = self.by_label(alias)
        if by_label is not None:
            return by_label
        owners = [c for c in self.contexts if c.database_alias == alias]
        return owners[0] if len(owners) == 1 and alias != "default" else None

    def of_model_label(self, label: str) -> ContextConfig | None:
        """The context of "app_label.Model" or of a bare app label."""
        return self.by_label(label.split(".", 1)[0])

    def user_model_owner(self) -> ContextConfig | None:
        return self.of_model_label(str(getattr(settings, "AUTH_USER_MODEL", "")))

    def tables_in(self, sql: str) -> dict[str, str]:
        """Context tables a SQL text names: {table: context label}."""
        words = {word.lower() for word in _IDENTIFIER.findall(sql)}
        return {table: self.tables[table] for table in sorted(words & self.tables.keys())}
