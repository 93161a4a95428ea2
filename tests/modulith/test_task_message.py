"""The delivery message the kernel writes itself is the one Celery's apply_async would send.

Both are published to kombu's in-memory transport and read back raw: the worker decodes what
arrives, so the headers, properties and body must be those of Celery's task protocol 2. Only
what differs per message (the task id) and the argument repr, which the kernel shortens, may
differ. Real workers consuming these messages on Redis and RabbitMQ are in
test_celery_transport.py.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import suppress
from typing import Any

import pytest
from celery import current_app

from modulith.events.subscriptions import get_subscription
from modulith.events.transports.celery import DELIVER_TASK, enqueue_delivery, producer_for_batch
from modulith.tasks import deliver_task
from modulith.testing import make_envelope
from tests.modulith.conftest import LISTENER_QUEUE, modulith_overrides
from tests.modulith.contexts.sample.events import ThingNoted
from tests.support.workers import use_broker

SUBSCRIPTION = "listener.on_thing_noted"


@pytest.fixture
def memory_broker(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    # Celery prefers this variable to the configured broker URL.
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    with (
        modulith_overrides(CONTEXT_TRANSPORTS={"listener": "celery"}),
        use_broker("memory://") as app,
    ):
        with app.connection_for_write() as connection:
            assert connection.transport_cls == "memory"
            # kombu's in-memory queues live as long as the process.
            with suppress(Exception):
                connection.default_channel.queue_purge(LISTENER_QUEUE)
        yield app


def _read_back(app: Any) -> dict[str, Any]:
    with app.connection_for_write() as connection:
        message = connection.default_channel.basic_get(LISTENER_QUEUE, no_ack=True)
        assert message is not None, "nothing arrived in the queue"
        return {
            "headers": dict(message.headers),
            "properties": {
                key: value
                for key, value in message.properties.items()
                if key
                not in ("delivery_info", "delivery_tag", "body_encoding", "application_headers")
            },
            "content_type": message.content_type,
            "content_encoding": message.content_encoding,
            "body": json.loads(message.body),
        }


def _per_message(sent: dict[str, Any]) -> dict[str, Any]:
    """Leave out what differs between two sends of the same delivery, and the headers Celery
    sends empty (None, {}), which the kernel leaves out: a worker reads them as absent."""
    task_id = sent["headers"]["id"]
    assert sent["headers"]["root_id"] == task_id
    assert sent["properties"]["correlation_id"] == task_id
    headers = {
        key: value
        for key, value in sent["headers"].items()
        if key not in ("id", "root_id", "argsrepr", "origin") and value not in (None, {})
    }
    properties = {
        key: value for key, value in sent["properties"].items() if key != "correlation_id"
    }
    return {**sent, "headers": headers, "properties": properties}


def test_the_kernel_sends_the_message_celery_would_send(memory_broker):
    envelope = make_envelope(ThingNoted(thing_id=uuid.uuid4(), note="compared"))
    subscription = get_subscription(SUBSCRIPTION)

    deliver_task.apply_async(
        args=(subscription.name, envelope), queue=subscription.context.queue, retry=False
    )
    by_celery = _read_back(memory_broker)
    with producer_for_batch() as producer:
        enqueue_delivery(subscription, envelope, producer=producer)
    by_kernel = _read_back(memory_broker)

    assert _per_message(by_kernel) == _per_message(by_celery)
    assert by_kernel["headers"]["task"] == DELIVER_TASK
    assert by_kernel["body"][0] == [SUBSCRIPTION, envelope]
    assert by_kernel["headers"]["argsrepr"] == (
        f"({SUBSCRIPTION!r}, <{envelope['type']} {envelope['id']}>)"
    )


def test_the_queue_is_declared_once_per_connection(memory_broker):
    envelope = make_envelope(ThingNoted(thing_id=uuid.uuid4(), note="declared"))
    subscription = get_subscription(SUBSCRIPTION)
    queue = current_app.amqp.queues[LISTENER_QUEUE]

    with producer_for_batch() as producer:
        enqueue_delivery(subscription, envelope, producer=producer)
        enqueue_delivery(subscription, envelope, producer=producer)
        assert hash(queue) in producer.connection.declared_entities

    for _ in range(2):
        assert _read_back(memory_broker)["body"][0][1]["id"] == envelope["id"]
