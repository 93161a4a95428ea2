"""The few SQL statements that run for every event, written once from the models' metadata.

On the after-commit path each statement is a round trip, and building a model instance and
compiling a query costs about as much again in Python (docs/performance.md). The ORM also cannot
say what the inbox needs in one statement: INSERT … ON CONFLICT … DO UPDATE … WHERE … RETURNING,
with the outbox's dispatched mark riding along in a WITH clause on PostgreSQL. So these are
written here, through the connection's cursor: quoted table and column names from `_meta`, and
every value prepared by its own field for the connection's vendor, exactly as the ORM would.
PostgreSQL and SQLite (3.35 or later, for RETURNING) both run them. Everything else in the
kernel uses the ORM.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from modulith.events.envelope import Envelope
from modulith.models import InboxMessage, InboxStatus, OutboxMessage

# Well under SQLite's limit of bound parameters per statement.
MARKS_PER_STATEMENT = 500


def insert_outbox_row(*, using: str, envelope: Envelope, **values: Any) -> None:
    """INSERT the outbox row of `envelope` (what OutboxMessage.objects.create would do)."""
    connection = transaction.get_connection(using)
    outbox = _table(connection, OutboxMessage)
    params = outbox.row(connection, {"id": envelope["id"], "envelope": envelope, **values})
    with connection.cursor() as cursor:
        cursor.execute(outbox.insert_sql, params)


def mark_dispatched(*, using: str, event_ids: Sequence[str], at: datetime) -> None:
    """Set `dispatched_at` on those of the rows that are still pending."""
    connection = transaction.get_connection(using)
    with connection.cursor() as cursor:
        for start in range(0, len(event_ids), MARKS_PER_STATEMENT):
            cursor.execute(*_mark(connection, event_ids[start : start + MARKS_PER_STATEMENT], at))


def receive(
    *,
    using: str,
    subscription: str,
    envelope: Envelope,
    at: datetime,
    mark_dispatched: Sequence[str] = (),
) -> bool:
    """Record a delivery as processed in the inbox, inside the delivery's transaction.

    True: the handler must run now (a first delivery, or a due retry); its failure rolls the row
    back. False: the row says processed or dead, and stays as it was. Either way the row is
    locked until the transaction ends: a concurrent delivery of the same envelope waits for
    this one's outcome on the unique (subscription, event id), then finds the row settled.

    `mark_dispatched`: outbox rows on the same database to mark dispatched in the same
    statement (PostgreSQL) or transaction (SQLite), so the mark commits with the delivery.
    """
    connection = transaction.get_connection(using)
    inbox = _table(connection, InboxMessage)
    params = inbox.row(
        connection,
        {
            "subscription": subscription,
            "event_id": envelope["id"],
            "event_type": envelope["type"],
            "envelope": envelope,
            "status": InboxStatus.PROCESSED.value,
            "attempts": 1,
            "received_at": at,
            "processed_at": at,
        },
    )
    params += [InboxStatus.PROCESSED.value, InboxStatus.DEAD.value]
    with connection.cursor() as cursor:
        if mark_dispatched and connection.vendor == "postgresql":
            # One round trip for both: a data-modifying WITH runs to completion whether or
            # not the main statement reads it.
            mark_sql, mark_params = _mark(connection, mark_dispatched, at)
            cursor.execute(
                f"WITH dispatched AS ({mark_sql}) {_receive_sql(connection)}",
                [*mark_params, *params],
            )
        else:
            if mark_dispatched:
                cursor.execute(*_mark(connection, mark_dispatched, at))
            cursor.execute(_receive_sql(connection), params)
        return cursor.fetchone() is not None


@dataclass(frozen=True, eq=False)
class _Table:
    """A model's table as these statements need it, for one database vendor."""

    name: str  # quoted
    column: dict[str, str]  # field name → quoted column
    fields: tuple[models.Field[Any, Any], ...]  # every column an INSERT sets
    insert_sql: str
    # Field name → its default, prepared for this vendor, for defaults that are constants
    # (NULL, 0, ""): prepared once here instead of for every row.
    constants: dict[str, Any]

    def row(self, connection: BaseDatabaseWrapper, values: Mapping[str, Any]) -> list[Any]:
        """The INSERT's parameters: the given values, every other field's default."""
        constants = self.constants
        return [
            field.get_db_prep_save(values[field.name], connection)
            if field.name in values
            else constants[field.name]
            if field.name in constants
            else field.get_db_prep_save(field.get_default(), connection)
            for field in self.fields
        ]


# Defaults of these types cannot change between rows once prepared; anything else (a callable
# such as timezone.now or list, a mutable value) is prepared for each row.
_CONSTANT_DEFAULTS = (type(None), bool, int, str)


def _constant_defaults(
    connection: BaseDatabaseWrapper, fields: tuple[models.Field[Any, Any], ...]
) -> dict[str, Any]:
    # A field without a default gets NULL or "" (Django's choice by field type), a constant too.
    return {
        field.name: field.get_db_prep_save(field.get_default(), connection)
        for field in fields
        if not field.has_default()
        or (not callable(field.default) and isinstance(field.default, _CONSTANT_DEFAULTS))
    }


_TABLES: dict[tuple[str, type[models.Model]], _Table] = {}


def _table(connection: BaseDatabaseWrapper, model: type[models.Model]) -> _Table:
    key = (connection.vendor, model)
    table = _TABLES.get(key)
    if table is None:
        opts = model._meta
        quote = connection.ops.quote_name
        column = {field.name: quote(str(field.column)) for field in opts.concrete_fields}
        # Every column but an auto-increment key, which the database numbers.
        fields = tuple(field for field in opts.concrete_fields if field is not opts.auto_field)
        name = quote(opts.db_table)
        table = _TABLES[key] = _Table(
            name=name,
            column=column,
            fields=fields,
            constants=_constant_defaults(connection, fields),
            insert_sql=(
                f"INSERT INTO {name} ({', '.join(column[field.name] for field in fields)}) "
                f"VALUES ({', '.join(['%s'] * len(fields))})"
            ),
        )
    return table


_RECEIVE_SQL: dict[str, str] = {}


def _receive_sql(connection: BaseDatabaseWrapper) -> str:
    sql = _RECEIVE_SQL.get(connection.vendor)
    if sql is None:
        inbox = _table(connection, InboxMessage)
        column = inbox.column
        # A retry that now succeeds: the row becomes processed, one attempt more. A processed
        # row (a duplicate) or a dead one (only an operator's replay runs it again) is left alone.
        sql = _RECEIVE_SQL[connection.vendor] = (
            f"{inbox.insert_sql} ON CONFLICT ({column['subscription']}, {column['event_id']}) "
            f"DO UPDATE SET {column['status']} = EXCLUDED.{column['status']}, "
            f"{column['attempts']} = {inbox.name}.{column['attempts']} + 1, "
            f"{column['processed_at']} = EXCLUDED.{column['processed_at']}, "
            f"{column['next_attempt_at']} = NULL "
            f"WHERE {inbox.name}.{column['status']} NOT IN (%s, %s) "
            f"RETURNING {column['id']}"
        )
    return sql


def _mark(
    connection: BaseDatabaseWrapper, event_ids: Sequence[str], at: datetime
) -> tuple[str, list[Any]]:
    outbox = _table(connection, OutboxMessage)
    column = outbox.column
    id_field = OutboxMessage._meta.get_field("id")
    dispatched_at = OutboxMessage._meta.get_field("dispatched_at")
    sql = (
        f"UPDATE {outbox.name} SET {column['dispatched_at']} = %s "
        f"WHERE {column['id']} IN ({', '.join(['%s'] * len(event_ids))}) "
        f"AND {column['dispatched_at']} IS NULL"
    )
    return sql, [
        dispatched_at.get_db_prep_save(at, connection),
        *(id_field.get_db_prep_save(event_id, connection) for event_id in event_ids),
    ]
