"""Drill: two real `celery beat` processes, one entry every second, one Redis queue.

Every message beat sends names the process that sent it (the `origin` header). While both
beats run, every tick must come from the same one; after that one is killed, from the other
only: two unbroken runs of senders, never interleaved, which is what a double-firing pair of
beats would produce.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import pytest
from django.db import connections

from tests.operations.conftest import sent_messages
from tests.support.processes import Process, child_env, logged, running
from tests.support.waiting import wait_until
from tests.support.workers import database_url

pytestmark = [pytest.mark.slow, pytest.mark.redis]

LEASE_TTL_SECONDS = "2"


@contextmanager
def start_beat(env: dict[str, str]) -> Iterator[Process]:
    """`celery -A config beat -S modulith.ops.beat.SingleBeatScheduler`, stopped on leaving."""
    command = [
        sys.executable, "-m", "celery", "-A", "config", "beat",
        "-S", "modulith.ops.beat.SingleBeatScheduler", "--loglevel=INFO",
    ]  # fmt: skip
    with running(
        command, env=child_env(**env), name="celery-beat", ready=logged("beat: Starting..."),
        timeout=45,
    ) as beat:  # fmt: skip
        yield beat


def origin_pid(headers: dict[str, Any]) -> int:
    """Celery's `origin` header is gen<pid>@<host>: the sending process."""
    return int(str(headers["origin"]).removeprefix("gen").split("@", 1)[0])


def test_two_beat_processes_send_every_tick_once_and_fail_over(
    only_these_entries: Callable[..., Any], redis_url: str, lease_key: str, beat_queue: str
) -> None:
    only_these_entries("drill tick", every_seconds=1, queue=beat_queue)
    env = {
        "DATABASE_URL": database_url(connections["default"].settings_dict),
        "CELERY_BROKER_URL": redis_url,
        "REDIS_URL": redis_url,
        "BEAT_LOCK_KEY": lease_key,
        "BEAT_LOCK_TTL_SECONDS": LEASE_TTL_SECONDS,
    }
    received: list[dict[str, Any]] = []

    def senders() -> list[int]:
        received.extend(sent_messages(redis_url, beat_queue))
        return [origin_pid(headers) for headers in received]

    with ExitStack() as stack:
        first, second = (stack.enter_context(start_beat(env)) for _ in range(2))
        # Both are up: from here on, a pair that double-fires would send every tick twice.
        received.clear()
        sent_messages(redis_url, beat_queue)
        wait_until(lambda: len(senders()) >= 5, timeout=20, what="five ticks")
        while_both_ran = set(senders())
        holder, standby = (first, second) if senders()[0] == first.process.pid else (second, first)
        holder.kill()
        wait_until(
            lambda: senders()[-3:] == [standby.process.pid] * 3,
            timeout=30,
            what="the standby to take over and send three ticks",
        )

    assert while_both_ran == {holder.process.pid}
    assert [pid for pid, _ in itertools.groupby(senders())] == [
        holder.process.pid,
        standby.process.pid,
    ]
    assert {headers["task"] for headers in received} == {"tests.operations.drill_tick"}
