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

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

from django.db import transaction

from modulith.contexts.registry import get_context

P = ParamSpec("P")
R = TypeVar("R")


# The transaction a delivery opened for its handler: (database alias, its depth of atomic blocks).
_delivery_block: contextvars.ContextVar[tuple[str, int] | None] = contextvars.ContextVar(
    "modulith_delivery_block", default=None
)


@contextmanager
def joinable_by_handler(alias: str) -> Iterator[None]:
    """Inside: a use case's @atomic on `alias`, opened directly in the delivery's transaction,
    joins it instead of nesting a savepoint in it (two round trips fewer per handler run).

    A savepoint there would protect nothing: whatever the handler raises rolls back the whole
    delivery (inbox row included) and is recorded for a retry. A handler that catches a use
    case's exception and carries on leaves the transaction marked for rollback, and the
    delivery treats that as a failure (modulith.events.delivery), never as a commit.
    """
    depth = len(transaction.get_connection(alias).atomic_blocks)
    token = _delivery_block.set((alias, depth))
    try:
        yield
    finally:
        _delivery_block.reset(token)


def _joins_delivery(alias: str) -> bool:
    block = _delivery_block.get()
    return (
        block is not None
        and block[0] == alias
        and len(transaction.get_connection(alias).atomic_blocks) == block[1]
    )


class ContextDatabase:
    def __init__(self, context: str) -> None:
        self.context = context

    def alias(self) -> str:
        """The context's alias, read when called: it is configuration and tests override it."""
        return get_context(self.context).database_alias

    def in_transaction(self) -> bool:
        """Whether a transaction is already open on the context's alias (a delivery's, or a
        caller's): a row lock taken now lasts until that one ends, past any inner @atomic."""
        return transaction.get_connection(self.alias()).in_atomic_block

    def atomic(self, function: Callable[P, R]) -> Callable[P, R]:
        """Like @transaction.atomic, on the context's database chosen when the function runs."""

        @wraps(function)
        def in_transaction(*args: P.args, **kwargs: P.kwargs) -> R:
            alias = self.alias()
            with transaction.atomic(using=alias, savepoint=not _joins_delivery(alias)):
                return function(*args, **kwargs)

        return in_transaction
