"""Which database the orders context writes to, and transactions on it.

A plain `@transaction.atomic` opens its transaction on "default"; once orders gets a database of
its own (CONTEXT_DATABASES) that would leave its writes, and the outbox rows that publish() adds,
outside the transaction. So every write use case opens its transaction here instead.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.db import router, transaction

from contexts.orders.models import Order

P = ParamSpec("P")
R = TypeVar("R")


def alias() -> str:
    """The database alias orders is configured to use (read at call time: configuration)."""
    return router.db_for_write(Order)


def atomic(function: Callable[P, R]) -> Callable[P, R]:
    """Like @transaction.atomic, on the orders database chosen when the function runs."""

    @functools.wraps(function)
    def in_transaction(*args: P.args, **kwargs: P.kwargs) -> R:
        with transaction.atomic(using=alias()):
            return function(*args, **kwargs)

    return in_transaction
