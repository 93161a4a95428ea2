"""Side-effect guard: broker sends, email and outgoing HTTP fail inside an open transaction.

A rollback cannot take back a sent message, email or HTTP request, and a message can be
consumed before the commit makes its data visible. The guard wraps the one method each library
funnels its sends through, and refuses when any database a context lives in has a transaction
open. The transactions a test case wraps around each test do not count, as Django's own
on_commit does not count them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.db import connections

from modulith.contexts.registry import database_aliases
from modulith.guards.errors import SideEffectInTransaction


@dataclass(frozen=True)
class Funnel:
    """The method a library sends through: `module.Class.method`, and what sending means."""

    module: str
    owner: str
    method: str
    effect: str


FUNNELS = (
    Funnel("celery.app.task", "Task", "apply_async", "sends a task to the broker"),
    Funnel("celery.app.base", "Celery", "send_task", "sends a task to the broker"),
    Funnel("django.core.mail.message", "EmailMessage", "send", "sends email"),
    # send_mass_mail() hands its messages to the backend directly; the built-in backends each
    # define their own send_messages.
    *(
        Funnel(f"django.core.mail.backends.{name}", "EmailBackend", "send_messages", "sends email")
        for name in ("smtp", "console", "filebased", "locmem")
    ),
    Funnel("urllib3.connectionpool", "HTTPConnectionPool", "urlopen", "makes an HTTP request"),
    Funnel("httpx", "Client", "send", "makes an HTTP request"),
    Funnel("httpx", "AsyncClient", "send", "makes an HTTP request"),
)

_originals: dict[Funnel, Callable[..., Any]] = {}


def open_transaction() -> str | None:
    """The alias of a context database with a transaction open (a test case's aside)."""
    aliases = set(database_aliases())
    for connection in connections.all(initialized_only=True):
        if connection.alias in aliases and any(
            not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks
        ):
            return str(connection.alias)
    return None


def refuse_in_transaction(effect: str, what: str) -> None:
    alias = open_transaction()
    if alias is not None:
        raise SideEffectInTransaction(
            f"{what} {effect} while a transaction is open on database {alias!r}: a rollback "
            "cannot take it back, and it may act before the commit.",
            "publish an event inside the transaction and do this in a handler, or defer it "
            "with transaction.on_commit(...) so it runs after the commit.",
        )


def _guarded(funnel: Funnel, original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def send(self: Any, *args: Any, **kwargs: Any) -> Any:
        refuse_in_transaction(funnel.effect, f"{type(self).__name__}.{funnel.method}()")
        return original(self, *args, **kwargs)

    send.__modulith_guard__ = True  # type: ignore[attr-defined]
    return send


def _targets() -> Iterator[tuple[Funnel, type]]:
    for funnel in FUNNELS:
        try:
            owner = getattr(import_module(funnel.module), funnel.owner)
        except (ImportError, AttributeError):
            continue  # the library is not installed: nothing of it can send
        yield funnel, owner


def install() -> None:
    for funnel, owner in _targets():
        current = getattr(owner, funnel.method)
        if getattr(current, "__modulith_guard__", False):
            continue
        _originals[funnel] = current
        setattr(owner, funnel.method, _guarded(funnel, current))


def uninstall() -> None:
    for funnel, owner in _targets():
        if funnel in _originals:
            setattr(owner, funnel.method, _originals.pop(funnel))
