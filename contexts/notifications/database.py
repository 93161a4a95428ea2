"""Which database the notifications context writes to, and transactions on it.

A plain `@transaction.atomic` opens its transaction on "default"; once notifications gets a
database of its own (CONTEXT_DATABASES) its writes, and the outbox rows publish() adds, would fall
outside that transaction. Every write step of notifications opens its transaction here instead.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.db import router, transaction

from contexts.notifications.models import Notification

P = ParamSpec("P")
R = TypeVar("R")


def alias() -> str:
    """The database alias notifications is configured to use (read at call time)."""
    return router.db_for_write(Notification)


def atomic(function: Callable[P, R]) -> Callable[P, R]:
    """Like @transaction.atomic, on the notifications database chosen when the function runs."""

    @functools.wraps(function)
    def in_transaction(*args: P.args, **kwargs: P.kwargs) -> R:
        with transaction.atomic(using=alias()):
            return function(*args, **kwargs)

    return in_transaction
