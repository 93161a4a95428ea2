"""Dry-run a delivery: would replaying this dead letter work now?

The subscription's current handler runs on the stored envelope inside a transaction on every
database, and every one of them is rolled back at the end. The result lists the statements that
would have written (INSERT, UPDATE, DELETE), the events that would have been published, or the
error the handler raises now. The inbox row is not touched and nothing is dispatched: events
published meanwhile are dispatched only after a commit, which never comes.

What a transaction cannot undo is not done: code about to call a payment provider or another
service asks modulith.events.recovery.sideeffects.external_call() first, and during a dry run
that stops the handler there; the result then says which call was skipped (`skipped_call`)
and shows what the handler had done before it. Email goes out after commit (an on_commit hook),
which a rollback discards.
"""

from __future__ import annotations

import contextvars
import traceback
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connections, transaction

from modulith.contexts.registry import database_aliases
from modulith.events.delivery import run_handler
from modulith.events.envelope import Envelope
from modulith.events.outbox import publish_listeners
from modulith.events.recovery.sideeffects import ExternalCallSkipped, dry_running
from modulith.events.subscriptions import UnknownSubscriptionError, get_subscription
from modulith.models import InboxMessage

_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "MERGE")


@dataclass(frozen=True)
class Write:
    database: str
    sql: str
    params: str


@dataclass(frozen=True)
class DryRun:
    subscription: str
    event_type: str
    event_id: str
    succeeded: bool
    writes: tuple[Write, ...]
    published: tuple[Envelope, ...]
    error: str = ""
    traceback: str = ""
    # The call outside the databases the handler reached and the dry run did not make; the
    # verdict is then unknown, and `writes` and `published` show what happened before it.
    skipped_call: str = ""


# The events published by the dry run in progress in this thread (None: no dry run).
_published: contextvars.ContextVar[list[Envelope] | None] = contextvars.ContextVar(
    "modulith_dry_run_published", default=None
)


def _record_publish(event: object, envelope: Envelope) -> None:
    captured = _published.get()
    if captured is not None:
        captured.append(envelope)


publish_listeners.append(_record_publish)


def dry_run_inbox_row(*, id: int, database: str) -> DryRun:
    """Dry-run the delivery that inbox row `id` on `database` records (usually a dead letter)."""
    row = InboxMessage.objects.using(database).get(id=id)
    return dry_run(subscription=row.subscription, envelope=row.envelope)


def dry_run(*, subscription: str, envelope: Envelope) -> DryRun:
    writes: list[Write] = []
    published: list[Envelope] = []
    error: BaseException | None = None
    skipped = ""
    token = _published.set(published)
    try:
        handler = get_subscription(subscription)
        with _rolled_back(database_aliases(), writes), dry_running():
            try:
                run_handler(handler, envelope)
            except ExternalCallSkipped as call:
                skipped = str(call)
            except Exception as raised:  # noqa: BLE001 - the error is the answer
                error = raised
    except UnknownSubscriptionError as unknown:
        error = unknown
    finally:
        _published.reset(token)
    return DryRun(
        subscription=subscription,
        event_type=str(envelope.get("type", "")),
        event_id=str(envelope.get("id", "")),
        succeeded=error is None and not skipped,
        writes=tuple(writes),
        published=tuple(published),
        error=f"{type(error).__name__}: {error}" if error else "",
        traceback="".join(traceback.format_exception(error)) if error else "",
        skipped_call=skipped,
    )


@contextmanager
def _rolled_back(aliases: list[str], writes: list[Write]) -> Iterator[None]:
    """A transaction on each alias, rolled back on the way out, recording the writes made."""
    with ExitStack() as stack:
        for alias in aliases:
            stack.enter_context(transaction.atomic(using=alias))
            stack.enter_context(connections[alias].execute_wrapper(_recorder(alias, writes)))
        try:
            yield
        finally:
            for alias in aliases:
                transaction.set_rollback(True, using=alias)


def _recorder(alias: str, writes: list[Write]) -> Callable[..., Any]:
    def record(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        if sql.lstrip().split(None, 1)[0].upper() in _WRITES:
            writes.append(Write(database=alias, sql=sql, params=repr(params)))
        return execute(sql, params, many, context)

    return record
