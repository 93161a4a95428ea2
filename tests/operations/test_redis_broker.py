"""modulith.ops.redis_broker: kombu's Redis transport with one client per channel, on real Redis."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from kombu import Connection, Queue

from modulith.ops.redis_broker import Transport
from tests.support import services

pytestmark = pytest.mark.redis


@pytest.fixture
def connection() -> Iterator[Connection]:
    url = services.require(services.REDIS_URL, 6379, "Redis")
    with Connection(url, transport=Transport) as connection:
        yield connection


def _clients_built(channel: Any) -> list[Any]:
    """Record every redis-py client the channel builds from now on (the one it consumes
    through was built when it connected)."""
    built: list[Any] = []
    create = channel._create_client

    def recording(*args: Any, **kwargs: Any) -> Any:
        client = create(*args, **kwargs)
        built.append(client)
        return client

    channel._create_client = recording
    return built


def test_publishing_receiving_and_acknowledging_reuse_one_client(connection) -> None:
    queue = Queue(f"test-broker-{uuid.uuid4().hex[:8]}", auto_delete=True)
    channel = connection.channel()
    built = _clients_built(channel)
    bound = queue(channel)
    bound.declare()
    producer = connection.Producer(channel)
    try:
        for number in range(5):
            producer.publish({"n": number}, routing_key=queue.name, declare=[queue])
        received = []
        for _ in range(5):
            message = bound.get(no_ack=False)
            assert message is not None
            received.append(message.payload["n"])
            message.ack()
        assert sorted(received) == list(range(5))
        assert bound.get() is None  # all acknowledged: nothing comes back
        assert len(built) == 1
    finally:
        bound.delete()
        channel.close()


def test_a_channel_whose_pools_were_dropped_builds_a_fresh_client(connection) -> None:
    channel = connection.channel()
    try:
        with channel.conn_or_acquire() as first:
            first.ping()
        with channel.conn_or_acquire() as again:
            assert again is first
        channel._disconnect_pools()  # what closing the channel and a fork do
        with channel.conn_or_acquire() as fresh:
            assert fresh is not first
            assert fresh.ping()
            assert fresh.connection_pool is channel.pool
    finally:
        channel.close()


def test_a_client_passed_in_is_used_as_it_is(connection) -> None:
    channel = connection.channel()
    try:
        with channel.conn_or_acquire() as own, channel.conn_or_acquire(client=own) as passed:
            assert passed is own
    finally:
        channel.close()
