"""The health check of an idle PostgreSQL connection, without a round trip when it is healthy.

With CONN_HEALTH_CHECKS Django sends `SELECT 1` before the first statement of every request,
and modulith.tasks gives every task the same treatment: one round trip per handler run, in the
path of every event from commit to handler (docs/performance.md). An idle connection needs no
question to be judged, though. A server that ends a session (a restart, a failover,
pg_terminate_backend) sends its last words and closes the socket, and an idle connection has
nothing else coming: if its socket has nothing to read, the connection is as usable as
`SELECT 1` would say, and Django's check is marked done. If it has something to read, Django's
own check runs as before and replaces the connection when it fails.

A connection whose network path died without a word (no FIN, no reset) passes here and fails
at its first statement; `SELECT 1` would have waited for the same TCP timeout.
"""

from __future__ import annotations

import select
from typing import Any

from django.db import connections

# A Django connection (BaseDatabaseWrapper), typed loosely: the stubs leave out the health
# check's attributes.
Connection = Any


def vouch_for_quiet_connections() -> None:
    """Mark the health check done on every open, idle PostgreSQL connection whose socket
    holds nothing to read. Call it after close_old_connections(), before the work starts."""
    connection: Connection
    for connection in connections.all(initialized_only=True):
        if _awaits_health_check(connection) and not _has_something_to_read(connection):
            connection.health_check_done = True


def _awaits_health_check(connection: Connection) -> bool:
    return (
        connection.vendor == "postgresql"
        and connection.connection is not None
        and connection.health_check_enabled
        and not connection.health_check_done
        and not connection.in_atomic_block
    )


def _has_something_to_read(connection: Connection) -> bool:
    try:
        socket = connection.connection.fileno()
    except Exception:  # noqa: BLE001 - a closed or broken connection: let Django check it
        return True
    poller = select.poll()
    poller.register(socket, select.POLLIN | select.POLLPRI)
    return bool(poller.poll(0))
