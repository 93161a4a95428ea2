"""Table guard: a query that touches another context's tables fails.

Installed as a Django execute wrapper on every connection. Each statement is attributed to the
context whose code issued it (modulith.guards.attribution) and its SQL is matched against the
table names of every context's models. The kernel's outbox and inbox, and the tables of apps
that are not contexts, belong to no context and are never refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from modulith.contexts.registry import all_contexts
from modulith.guards.attribution import running_context
from modulith.guards.errors import CrossContextQuery

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@lru_cache(maxsize=1)
def _table_owners() -> dict[str, str]:
    return {
        model._meta.db_table.lower(): context.label
        for context in all_contexts()
        for model in context.get_models(include_auto_created=True)
    }


@lru_cache(maxsize=8192)
def contexts_touched(sql: str) -> dict[str, str]:
    """{table: context label} for every context table the SQL text names."""
    owners = _table_owners()
    words = {word.lower() for word in _IDENTIFIER.findall(sql)}
    return {table: owners[table] for table in sorted(words & owners.keys())}


def forget() -> None:
    _table_owners.cache_clear()
    contexts_touched.cache_clear()


def guard_tables(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    """The execute wrapper (see Django's `connection.execute_wrapper`)."""
    touched = contexts_touched(sql) if isinstance(sql, str) else {}
    if touched:
        running = running_context()
        if running is not None:
            label, where = running
            foreign = {table: owner for table, owner in touched.items() if owner != label}
            if foreign:
                tables = ", ".join(f"{table} ({owner})" for table, owner in foreign.items())
                raise CrossContextQuery(
                    f"Code of context {label} ({where}) ran a query on another context's "
                    f"tables: {tables}.",
                    "call the other context's api (a function returning DTOs), or keep a copy "
                    "of what you need fed by its events; never query its models or tables.",
                )
    return execute(sql, params, many, context)
