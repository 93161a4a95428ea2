"""The extracted context's own PostgreSQL database, and a plain look into any database.

The drill creates the database beside this run's test database, migrates it the way an operator
would (`manage.py migrate` in a process of the service that owns it) and drops it at the end.
Rows are read through a psycopg connection, not the ORM: the test process is a monolith with one
database, exactly like the rest of the suite; only the drill's processes know the other one.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg

from tests.support.workers import ROOT, database_url


@contextmanager
def created_beside(settings_dict: Mapping[str, Any], suffix: str) -> Iterator[str]:
    """A new, empty database named `<test database>_<suffix>` on the same server; its URL."""
    name = f"{settings_dict['NAME']}_{suffix}"
    admin_url = database_url({**settings_dict, "NAME": "postgres"})
    with psycopg.connect(admin_url, autocommit=True) as admin:
        # A leftover of an aborted run must not make this one fail or see its rows.
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield database_url({**settings_dict, "NAME": name})
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def migrate(env: Mapping[str, str]) -> None:
    """`manage.py migrate` in a process configured by `env` (its service's database)."""
    run = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input"],
        cwd=ROOT, env=dict(env), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode == 0, f"migrate failed:\n{run.stdout}{run.stderr}"


@dataclass(frozen=True)
class Database:
    """What one database holds about an order, read with SQL (tables by Django's naming)."""

    url: str

    def _rows(self, sql: str, *params: object) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.url) as connection:
            return connection.execute(sql, params).fetchall()

    def tables(self) -> set[str]:
        rows = self._rows("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return {name for (name,) in rows}

    def payment_statuses(self, order_id: str) -> list[str]:
        rows = self._rows("SELECT status FROM payments_payment WHERE order_id = %s", order_id)
        return [status for (status,) in rows]

    def has_payment_method(self, method_id: str) -> bool:
        return bool(self._rows("SELECT 1 FROM payments_paymentmethod WHERE id = %s", method_id))

    def outbox(self, order_id: str) -> set[tuple[str, str]]:
        """(source context, event type) of the events about the order published here."""
        rows = self._rows(
            "SELECT source_context, event_type FROM modulith_outboxmessage "
            "WHERE envelope->>'subject' = %s",
            order_id,
        )
        return {(context, event_type) for context, event_type in rows}

    def inbox(self, order_id: str) -> set[tuple[str, str]]:
        """(subscription, status) of the events about the order received here."""
        rows = self._rows(
            "SELECT subscription, status FROM modulith_inboxmessage "
            "WHERE envelope->>'subject' = %s",
            order_id,
        )
        return {(subscription, status) for subscription, status in rows}
