"""Which database the payments context writes to, and transactions on it.

A plain `@transaction.atomic` opens its transaction on "default"; once payments gets a database
of its own (CONTEXT_DATABASES) its writes, and the outbox rows publish() adds, would fall outside
that transaction. Every write step of payments opens its transaction here instead.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.db import router, transaction

from contexts.payments.models import Payment

P = ParamSpec("P")
R = TypeVar("R")


def alias() -> str:
    """The database alias payments is configured to use (read at call time: configuration)."""
    return router.db_for_write(Payment)


def atomic(function: Callable[P, R]) -> Callable[P, R]:
    """Like @transaction.atomic, on the payments database chosen when the function runs."""

    @functools.wraps(function)
    def in_transaction(*args: P.args, **kwargs: P.kwargs) -> R:
        with transaction.atomic(using=alias()):
            return function(*args, **kwargs)

    return in_transaction
