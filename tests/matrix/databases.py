"""One PostgreSQL database and one login role per service, as an operator provisions them.

    with service_databases(url, prefix="m", services=["shop", "payments"]) as dbs:
        dbs["payments"].url          # postgres://<role>:<password>@host:port/<database>
        dbs["payments"].connects_to(dbs["shop"].database)  # False: the role may not

Each service's role owns its database and is the only role granted CONNECT on it (CONNECT is
revoked from PUBLIC), so a process holding one service's URL cannot open another service's
database, whatever it tries. Everything is dropped at the end, and leftovers of an aborted run
are dropped at the start. The test process reads rows with the administrator's connection.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

# What PostgreSQL answers a role without CONNECT on a database.
NO_CONNECT = "permission denied for database"


@dataclass(frozen=True)
class ServiceDatabase:
    service: str
    database: str
    role: str
    url: str  # the service's own URL: its role, its database
    admin_url: str  # the same database, as the administrator (to read rows in tests)

    def connects_to(self, database: str) -> bool:
        """Whether this service's role can open `database`. False only when PostgreSQL refuses
        it for want of the CONNECT privilege; any other failure is raised."""
        try:
            with psycopg.connect(with_database(self.url, database), connect_timeout=5):
                return True
        except psycopg.OperationalError as error:
            if NO_CONNECT in str(error):
                return False
            raise

    def rows(self, query: str, *params: object) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.admin_url) as connection:
            return connection.execute(query, params).fetchall()

    def tables(self) -> set[str]:
        return {name for (name,) in self.rows(PUBLIC_TABLES)}

    def tables_with_rows(self) -> set[str]:
        """The tables of this database that hold at least one row."""
        with psycopg.connect(self.admin_url) as connection:
            names = [name for (name,) in connection.execute(PUBLIC_TABLES).fetchall()]
            return {
                name
                for name in names
                if connection.execute(
                    sql.SQL("SELECT EXISTS (SELECT 1 FROM {})").format(sql.Identifier(name))
                ).fetchone()
                == (True,)
            }


PUBLIC_TABLES = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"


def with_database(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{database}"))


def with_credentials(url: str, user: str, password: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or "127.0.0.1"
    netloc = f"{user}:{password}@{host}:{parts.port or 5432}"
    return urlunsplit(parts._replace(netloc=netloc))


@contextmanager
def service_databases(
    admin_url: str, *, prefix: str, services: Iterable[str]
) -> Iterator[dict[str, ServiceDatabase]]:
    """Create `<prefix>_<service>` (database and role) for each service; drop them at the end."""
    names = {service: f"{prefix}_{service}".replace("-", "_") for service in services}
    with psycopg.connect(with_database(admin_url, "postgres"), autocommit=True) as admin:
        for name in names.values():
            _drop(admin, name)
        created: dict[str, ServiceDatabase] = {}
        try:
            for service, name in names.items():
                password = secrets.token_hex(12)
                _create(admin, name, password)
                created[service] = ServiceDatabase(
                    service=service,
                    database=name,
                    role=name,
                    url=with_database(with_credentials(admin_url, name, password), name),
                    admin_url=with_database(admin_url, name),
                )
            yield created
        finally:
            for name in names.values():
                _drop(admin, name)


def _create(admin: psycopg.Connection[Any], name: str, password: str) -> None:
    identifier = sql.Identifier(name)
    admin.execute(
        sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(identifier, sql.Literal(password))
    )
    admin.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(identifier, identifier))
    admin.execute(sql.SQL("REVOKE CONNECT ON DATABASE {} FROM PUBLIC").format(identifier))
    admin.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(identifier, identifier))


def _drop(admin: psycopg.Connection[Any], name: str) -> None:
    identifier = sql.Identifier(name)
    admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(identifier))
    admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(identifier))
