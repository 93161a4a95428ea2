"""kombu's Redis transport, with one client per channel instead of one per command.

    CELERY_BROKER_TRANSPORT = "modulith.ops.redis_broker:Transport"   (for redis:// brokers)

kombu's Redis channel builds a new redis-py client object for every command it sends outside
its consuming connection: every acknowledgement, every message received (the unacked index),
every publish. A client is cheap to talk through but not to build (it copies a table of some
170 response callbacks), and building it was an eighth of a worker's main process
(docs/performance.md). The client holds no connection of its own: every command takes one from
the channel's connection pool and gives it back, so one client per channel is what redis-py
intends, and safe across threads.

Everything else is kombu's. The cached client goes whenever kombu drops the channel's pools
(closing the channel, a failed first ping, after a fork), so it never outlives its pool.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from kombu.transport import redis

# kombu's type stubs leave out the channel's private methods this builds on.


class Channel(redis.Channel):
    _shared_client: Any = None

    @contextmanager
    def conn_or_acquire(self, client: Any = None) -> Iterator[Any]:
        if client:
            yield client
            return
        if self._shared_client is None:
            self._shared_client = self._create_client()  # type: ignore[attr-defined]
        yield self._shared_client

    def _disconnect_pools(self) -> None:
        self._shared_client = None
        super()._disconnect_pools()  # type: ignore[misc]


class Transport(redis.Transport):
    Channel = Channel
