"""Effects a rollback cannot undo, and dry runs.

A dry run (modulith.events.recovery.dryrun) runs a handler in transactions that are rolled back;
a call to a payment provider, or any other service, would still happen. Code about to make such
a call asks `external_call(...)` first: during a dry run that raises ExternalCallSkipped, the dry
run stops there and reports what it had done up to that point and which call it did not make.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

_dry_running: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "modulith_dry_running", default=False
)


class ExternalCallSkipped(Exception):
    """A dry run reached a call outside the databases and did not make it."""


def external_call(description: str) -> None:
    """Call right before an effect outside the databases (`description` names it)."""
    if _dry_running.get():
        raise ExternalCallSkipped(description)


@contextmanager
def dry_running() -> Iterator[None]:
    token = _dry_running.set(True)
    try:
        yield
    finally:
        _dry_running.reset(token)
