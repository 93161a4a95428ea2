"""The per-service databases and roles the topology matrix provisions (PostgreSQL only)."""

from __future__ import annotations

import psycopg
import pytest
from django.db import connection

from tests.matrix.databases import service_databases
from tests.support.workers import database_url

pytestmark = [pytest.mark.postgres]


def test_each_role_opens_its_own_database_and_no_other(postgres: None) -> None:
    admin_url = database_url(connection.settings_dict)
    prefix = f"{connection.settings_dict['NAME']}_roles"

    with service_databases(admin_url, prefix=prefix, services=["shop", "payments"]) as databases:
        shop, payments = databases["shop"], databases["payments"]
        with psycopg.connect(payments.url) as own:
            own.execute("CREATE TABLE payments_probe (id int)")
            own.execute("INSERT INTO payments_probe VALUES (1)")
            user = own.execute("SELECT current_user").fetchone()

        assert user == (payments.role,)
        assert payments.tables_with_rows() == {"payments_probe"}
        assert shop.tables() == set()
        assert payments.connects_to(payments.database)
        assert not payments.connects_to(shop.database)
        assert not shop.connects_to(payments.database)

    with psycopg.connect(admin_url) as admin:
        left = admin.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", (f"{prefix}%",)
        ).fetchall()
    assert left == []
