"""Transactions on the catalog's own database alias, wherever configuration puts it.

A bare @transaction.atomic opens a transaction on "default"; once the catalog runs on a database
of its own (CONTEXT_DATABASES) its writes and publish() need the transaction on that alias.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from django.apps import apps
from django.db import transaction

P = ParamSpec("P")
R = TypeVar("R")


def alias() -> str:
    # Read at call time: the alias is configuration, and tests may override it.
    return str(apps.get_app_config("catalog").database_alias)  # type: ignore[attr-defined]


def atomic(func: Callable[P, R]) -> Callable[P, R]:
    @wraps(func)
    def run_in_transaction(*args: P.args, **kwargs: P.kwargs) -> R:
        with transaction.atomic(using=alias()):
            return func(*args, **kwargs)

    return run_in_transaction
