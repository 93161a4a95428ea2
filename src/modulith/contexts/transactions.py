"""Transactions on a context's own database alias, wherever configuration puts it.

A bare @transaction.atomic opens its transaction on "default". Once a context runs on a database
of its own (CONTEXT_DATABASES), its writes and the outbox rows publish() adds must share a
transaction on *that* alias, so every context's write use cases open it through here:

    # contexts/catalog/database.py
    from modulith.contexts.transactions import ContextDatabase

    catalog_database = ContextDatabase("catalog")
    atomic = catalog_database.atomic
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from django.db import transaction

from modulith.contexts.registry import get_context

P = ParamSpec("P")
R = TypeVar("R")


class ContextDatabase:
    def __init__(self, context: str) -> None:
        self.context = context

    def alias(self) -> str:
        """The context's alias, read when called: it is configuration and tests override it."""
        return get_context(self.context).database_alias

    def atomic(self, function: Callable[P, R]) -> Callable[P, R]:
        """Like @transaction.atomic, on the context's database chosen when the function runs."""

        @wraps(function)
        def in_transaction(*args: P.args, **kwargs: P.kwargs) -> R:
            with transaction.atomic(using=self.alias()):
                return function(*args, **kwargs)

        return in_transaction
