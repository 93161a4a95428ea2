"""modulith.ops.db_health: an idle PostgreSQL connection is judged by its socket between tasks.

PostgreSQL only (the check is for network connections): the test ends its own session with
pg_terminate_backend from a second connection and watches what the next check decides.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import psycopg
import pytest
from django.db import connection, transaction

from modulith.ops.db_health import vouch_for_quiet_connections
from tests.support import services
from tests.support.workers import database_url

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def checked_connection() -> Iterator[None]:
    """The default connection, open, with health checks on as in production."""
    services.require_postgres()
    connection.ensure_connection()
    enabled = connection.health_check_enabled
    connection.health_check_enabled = True
    connection.health_check_done = False
    try:
        yield
    finally:
        connection.health_check_enabled = enabled
        connection.health_check_done = False


def test_a_quiet_idle_connection_needs_no_select_1(checked_connection: None) -> None:
    vouch_for_quiet_connections()

    assert connection.health_check_done
    with connection.cursor() as cursor:
        cursor.execute("SELECT 2")
        assert cursor.fetchone() == (2,)


def test_a_connection_the_server_ended_is_left_to_djangos_check_which_replaces_it(
    checked_connection: None,
) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        [(old_pid,)] = cursor.fetchall()
    url = database_url(connection.settings_dict)
    with psycopg.connect(url, autocommit=True) as killer:
        killer.execute("SELECT pg_terminate_backend(%s)", [old_pid])
    time.sleep(0.2)  # the server's last words reach the socket
    connection.health_check_done = False  # as close_old_connections() leaves it for a task

    vouch_for_quiet_connections()

    assert not connection.health_check_done
    with connection.cursor() as cursor:  # Django's SELECT 1 fails: a new connection
        cursor.execute("SELECT pg_backend_pid()")
        [(new_pid,)] = cursor.fetchall()
    assert new_pid != old_pid


def test_a_connection_inside_a_transaction_is_not_vouched_for(checked_connection: None) -> None:
    with transaction.atomic():
        connection.health_check_done = False

        vouch_for_quiet_connections()

        vouched = connection.health_check_done
        # Checked already, as far as leaving the block goes: Django would otherwise send its
        # SELECT 1 while turning autocommit back on, which psycopg refuses mid-transaction.
        connection.health_check_done = True
    assert not vouched
