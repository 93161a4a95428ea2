"""Exactly one beat sends: two SingleBeatSchedulers against one real Redis and one real broker.

The schedulers tick by hand here (no sleeping beat loop). Their entries send to a queue of the
test's own on the test Redis, which the test reads back. Entries with an interval of an hour and
a last run two hours ago are due exactly once, so any double send shows as a second message.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from celery import Celery
from django.core.cache import cache

from modulith.ops.beat import CacheLease, RedisLease, SingleBeatScheduler
from tests.operations.conftest import sent_messages
from tests.support.waiting import wait_until

pytestmark = pytest.mark.redis

TWO_HOURS = timedelta(hours=2)
UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def schedulers(
    beat_app: Celery, redis_url: str, lease_key: str
) -> Iterator[Callable[..., SingleBeatScheduler]]:
    """make(ttl=2.0, url=redis_url): a scheduler with its own lease on the shared key."""
    made: list[SingleBeatScheduler] = []

    def make(*, ttl: float = 2.0, url: str | None = None) -> SingleBeatScheduler:
        lease = RedisLease(url or redis_url, key=lease_key, ttl=ttl)
        scheduler = SingleBeatScheduler(app=beat_app, lease=lease)
        made.append(scheduler)
        return scheduler

    yield make
    for scheduler in made:
        scheduler.close()


def tick_all(*schedulers: SingleBeatScheduler, rounds: int = 10) -> None:
    for _ in range(rounds):
        for scheduler in schedulers:
            scheduler.tick()


def sends_per_task(redis_url: str, queue: str) -> Counter[str]:
    return Counter(headers["task"] for headers in sent_messages(redis_url, queue))


# --- The leases ---------------------------------------------------------------------------------


def test_a_redis_lease_is_held_by_one_beat_until_it_expires(redis_url, lease_key):
    first = RedisLease(redis_url, key=lease_key, ttl=0.5)
    second = RedisLease(redis_url, key=lease_key, ttl=0.5)

    first_holds, second_waits = first.hold(), second.hold()
    wait_until(second.hold, timeout=20, what="the first lease to expire")

    assert first_holds and not second_waits
    assert not first.hold()
    assert second.holder() == second.token


def test_a_redis_lease_released_by_its_holder_is_free_at_once(redis_url, lease_key):
    first = RedisLease(redis_url, key=lease_key, ttl=30)
    second = RedisLease(redis_url, key=lease_key, ttl=30)
    first.hold()

    second.release()  # not the holder: changes nothing
    still_first = first.hold() and not second.hold()
    first.release()

    assert still_first
    assert second.hold()


def test_without_redis_the_lease_lives_in_the_django_cache(lease_key):
    first = CacheLease(key=lease_key, ttl=30)
    second = CacheLease(key=lease_key, ttl=30)

    first_holds, first_renews, second_waits = first.hold(), first.hold(), second.hold()
    first.release()

    assert first_holds and first_renews and not second_waits
    assert second.hold()
    assert cache.get(lease_key) == second.token
    second.release()


# --- Two schedulers -----------------------------------------------------------------------------


def test_only_the_lease_holder_sends_each_due_entry_once(
    schedulers, only_these_entries, beat_queue, redis_url
):
    for name in ("relay", "purge", "sweep"):
        only_these_entries(name, every_seconds=3600, queue=beat_queue, last_run_ago=TWO_HOURS)
    holder, standby = schedulers(), schedulers()

    tick_all(holder, standby)

    assert holder.leading and not standby.leading
    assert holder.lease.holder() == holder.lease.token
    assert sends_per_task(redis_url, beat_queue) == {
        "tests.operations.relay": 1,
        "tests.operations.purge": 1,
        "tests.operations.sweep": 1,
    }


def test_a_standby_takes_over_when_the_holder_shuts_down_and_sends_nothing_twice(
    schedulers, only_these_entries, beat_queue, redis_url
):
    only_these_entries("relay", every_seconds=3600, queue=beat_queue, last_run_ago=TWO_HOURS)
    holder, standby = schedulers(ttl=30), schedulers(ttl=30)
    tick_all(holder, standby)

    holder.close()  # a clean shutdown releases the lease: no need to wait for it to expire
    tick_all(standby, rounds=3)
    only_these_entries("retry", every_seconds=3600, queue=beat_queue, last_run_ago=TWO_HOURS)
    tick_all(standby)

    assert standby.leading
    # The standby read the holder's last runs on taking over: "relay" was not due any more.
    assert sends_per_task(redis_url, beat_queue) == {
        "tests.operations.relay": 1,
        "tests.operations.retry": 1,
    }


def test_a_standby_takes_over_once_the_holder_stops_renewing(
    schedulers, only_these_entries, beat_queue, redis_url
):
    only_these_entries("relay", every_seconds=3600, queue=beat_queue, last_run_ago=TWO_HOURS)
    holder, standby = schedulers(ttl=1.0), schedulers(ttl=1.0)
    tick_all(holder, standby)

    # The holder hangs (it ticks no more): its lease runs out and the standby takes it.
    wait_until(
        lambda: standby.tick() is not None and standby.leading, timeout=20, what="a takeover"
    )
    holder.tick()
    only_these_entries("retry", every_seconds=3600, queue=beat_queue, last_run_ago=TWO_HOURS)
    tick_all(holder, standby)

    assert standby.leading and not holder.leading
    assert sends_per_task(redis_url, beat_queue) == {
        "tests.operations.relay": 1,
        "tests.operations.retry": 1,
    }


def test_a_beat_that_cannot_reach_the_lease_store_sends_nothing(
    schedulers, only_these_entries, beat_queue, redis_url
):
    only_these_entries("relay", every_seconds=3600, queue=beat_queue, last_run_ago=TWO_HOURS)
    cut_off = schedulers(url=UNREACHABLE_REDIS)

    delay = cut_off.tick()

    assert not cut_off.leading
    assert delay == cut_off.poll_interval
    assert sent_messages(redis_url, beat_queue) == []
