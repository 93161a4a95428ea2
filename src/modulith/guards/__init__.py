"""Run-time guards: the boundary rules the source cannot show, enforced while the code runs.

- tables: a query issued by one context's code that touches another context's tables raises
  CrossContextQuery (rule 3). The kernel's outbox and inbox belong to no context.
- side effects: a broker send, an email or an outgoing HTTP request while a transaction is open
  on a context's database raises SideEffectInTransaction (rule 6).
- api results: an @api_function returning a model instance, a QuerySet or a manager raises
  ApiResultLeak (rule 10).

They are on under the test kit (modulith.testing.fixtures turns them on for the whole session
and fails any test during which one fired, even if the code swallowed the error) and whenever
DEBUG is on; in production they are off unless MODULITH["GUARDS"] is True. MODULITH["GUARDS"]
False turns them off everywhere but in tests.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import connections
from django.db.backends.signals import connection_created

from modulith.guards import api_results, attribution, side_effects, tables
from modulith.guards.errors import (
    ApiResultLeak,
    BoundaryViolation,
    CrossContextQuery,
    SideEffectInTransaction,
    take_caught,
)
from modulith.settings import modulith_setting

__all__ = [
    "ApiResultLeak",
    "BoundaryViolation",
    "CrossContextQuery",
    "SideEffectInTransaction",
    "active",
    "check_api_result",
    "install",
    "take_caught",
    "uninstall",
    "wanted",
]

_installed = False


def wanted() -> bool:
    """Whether the settings ask for the guards: MODULITH["GUARDS"], else DEBUG."""
    explicit = modulith_setting("GUARDS", None)
    return bool(settings.DEBUG) if explicit is None else bool(explicit)


def active() -> bool:
    return _installed


def _add_wrapper(connection: Any) -> None:
    if tables.guard_tables not in connection.execute_wrappers:
        connection.execute_wrappers.append(tables.guard_tables)


def _on_connection_created(sender: Any, connection: Any, **kwargs: Any) -> None:
    _add_wrapper(connection)


def install() -> None:
    """Turn every guard on, in this process (idempotent)."""
    global _installed
    attribution.forget()
    tables.forget()
    connection_created.connect(_on_connection_created, dispatch_uid="modulith.guards.tables")
    for connection in connections.all(initialized_only=True):
        _add_wrapper(connection)
    side_effects.install()
    _installed = True


def uninstall() -> None:
    global _installed
    connection_created.disconnect(dispatch_uid="modulith.guards.tables")
    for connection in connections.all(initialized_only=True):
        while tables.guard_tables in connection.execute_wrappers:
            connection.execute_wrappers.remove(tables.guard_tables)
    side_effects.uninstall()
    _installed = False


def check_api_result(function: str, result: Any) -> None:
    if _installed:
        api_results.check_api_result(function, result)
