"""Exactly one beat: django-celery-beat's DatabaseScheduler behind a leader lease.

    celery -A config beat -S modulith.ops.beat:SingleBeatScheduler   (CELERY_BEAT_SCHEDULER says so)

Start one beat process per host if you like: every one ticks, but only the holder of the lease
sends due tasks. The lease is a key with a time to live, taken with `SET key token NX PX ttl` in
Redis (settings.BEAT_LOCK_URL), or with the Django cache's add() when there is no Redis. The
holder renews it on every tick and releases it on a clean shutdown; a standby keeps trying and
takes over once the holder's lease has expired (the process died, hung, or lost Redis).

Taking over re-reads the schedule from the database. The holder writes each entry's last run
there right after sending it, so the new holder carries on where the old one stopped instead of
firing everything its own stale copy of the schedule thinks is due. The one send that can still
happen twice is the one a holder made just before dying and had no time to record; the tasks
beat sends are idempotent (rule 12, docs/rules.md#rule-12), so that costs a little work, never
a wrong result.

A holder that cannot reach the lock store stops sending at once: with the store down no beat
sends (safety before liveness), and the relay's work waits until it is back.
"""

from __future__ import annotations

import logging
import math
import os
import socket
import uuid
from typing import Any, Protocol

import redis
from django.conf import settings
from django.core.cache import caches
from django_celery_beat.schedulers import DatabaseScheduler

from modulith.settings import IN_PROCESS_CACHES

logger = logging.getLogger(__name__)

DEFAULT_KEY = "modulith:beat:leader"
DEFAULT_TTL_SECONDS = 30.0


class Lease(Protocol):
    key: str
    token: str
    ttl: float  # seconds

    def hold(self) -> bool:
        """Take the lease if it is free, renew it if it is ours; True if we hold it now."""

    def release(self) -> None:
        """Give the lease up if it is still ours, so a standby need not wait for it to expire."""

    def holder(self) -> str | None:
        """The token of whoever holds the lease now, if anyone."""


def lease_token() -> str:
    """Who holds the lease, readable by an operator: `redis-cli GET <key>`."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class RedisLease:
    # Renew and release only a lease that is still ours: compare and act in one atomic step.
    _RENEW = """
    if redis.call('get', KEYS[1]) == ARGV[1] then
        return redis.call('pexpire', KEYS[1], ARGV[2])
    end
    return 0
    """
    _RELEASE = """
    if redis.call('get', KEYS[1]) == ARGV[1] then
        return redis.call('del', KEYS[1])
    end
    return 0
    """

    def __init__(self, url: str, *, key: str, ttl: float, token: str | None = None) -> None:
        self.key = key
        self.ttl = ttl
        self.token = token or lease_token()
        # Short socket timeouts: a tick must never hang on Redis for longer than the lease.
        self._client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)

    def hold(self) -> bool:
        ttl_ms = max(1, int(self.ttl * 1000))
        if self._client.eval(self._RENEW, 1, self.key, self.token, ttl_ms):
            return True
        return bool(self._client.set(self.key, self.token, nx=True, px=ttl_ms))

    def release(self) -> None:
        self._client.eval(self._RELEASE, 1, self.key, self.token)

    def holder(self) -> str | None:
        value = self._client.get(self.key)
        return value.decode() if isinstance(value, bytes) else value


class CacheLease:
    """The lease in a Django cache, for deployments without Redis.

    A cache has no compare-and-set, so renewal reads, touches and reads again: if the lease ran
    out between the first read and the touch and another beat took it, the second read sees
    their token and this beat stands down (having extended their lease, which is harmless). It
    protects only as far as the cache is shared: a per-process cache (locmem) protects nothing.
    """

    def __init__(
        self, alias: str = "default", *, key: str, ttl: float, token: str | None = None
    ) -> None:
        self.key = key
        self.ttl = ttl
        self.token = token or lease_token()
        self._cache = caches[alias]
        # Some backends count whole seconds only.
        self._timeout = max(1, math.ceil(ttl))

    def hold(self) -> bool:
        if self._cache.add(self.key, self.token, timeout=self._timeout):
            return True
        if self._cache.get(self.key) != self.token:
            return False
        self._cache.touch(self.key, timeout=self._timeout)
        return bool(self._cache.get(self.key) == self.token)

    def release(self) -> None:
        if self._cache.get(self.key) == self.token:
            self._cache.delete(self.key)

    def holder(self) -> str | None:
        value = self._cache.get(self.key)
        return str(value) if value is not None else None


def configured_lease() -> RedisLease | CacheLease:
    """The lease the settings ask for: BEAT_LOCK_URL (Redis) or else the default cache."""
    key = getattr(settings, "BEAT_LOCK_KEY", DEFAULT_KEY)
    ttl = float(getattr(settings, "BEAT_LOCK_TTL_SECONDS", DEFAULT_TTL_SECONDS))
    url = getattr(settings, "BEAT_LOCK_URL", "")
    if url:
        return RedisLease(url, key=key, ttl=ttl)
    backend = settings.CACHES["default"]["BACKEND"]
    if backend in IN_PROCESS_CACHES:  # a lease there cannot stop a second beat process
        logger.warning(
            "beat lease in a per-process cache (%s): it cannot stop a second beat process. "
            "Set settings.BEAT_LOCK_URL to a Redis URL, or use a shared cache.",
            backend,
        )
    return CacheLease(key=key, ttl=ttl)


class SingleBeatScheduler(DatabaseScheduler):
    """DatabaseScheduler that sends due tasks only while it holds the beat lease.

    `lease` is for tests and embedding; beat itself builds the configured one.
    """

    def __init__(self, *args: Any, lease: Lease | None = None, **kwargs: Any) -> None:
        # Record every send at once, so a standby taking over knows it happened.
        kwargs.setdefault("sync_every_tasks", 1)
        self._lease = lease
        self.leading = False
        self._store_failing = False
        super().__init__(*args, **kwargs)

    @property
    def lease(self) -> Lease:
        # Built on first use: `celery beat` also makes a lazy instance just to print its banner.
        if self._lease is None:
            self._lease = configured_lease()
        return self._lease

    @property
    def poll_interval(self) -> float:
        """Seconds between ticks at most: renew well before the lease runs out (a third of its
        life), and let a standby notice an expired lease soon after."""
        return min(float(self.max_interval), self.lease.ttl / 3)

    def tick(self, *args: Any, **kwargs: Any) -> float:
        if not self.hold_lease():
            return self.poll_interval
        return min(super().tick(*args, **kwargs), self.poll_interval)

    def apply_entry(self, entry: Any, producer: Any = None) -> None:
        # Waiting for the broker connection (beat's producer) can take longer than the lease:
        # make sure it is still ours right before the send.
        if not self.hold_lease():
            logger.warning("beat lease lost before sending %s: left to the new holder", entry.name)
            return
        super().apply_entry(entry, producer=producer)

    def reserve(self, entry: Any) -> Any:
        new_entry = super().reserve(entry)
        # DatabaseScheduler leaves the entry it is about to send in its schedule as it was. When
        # a schedule change was noticed in the same tick, the next tick rebuilds the heap from
        # that schedule, finds the entry still due and sends it a second time. Keep the advanced
        # entry instead, but never bring back one that a re-read has just removed.
        if self._schedule is not None and entry.name in self._schedule:
            self._schedule[entry.name] = new_entry
        return new_entry

    def hold_lease(self) -> bool:
        try:
            held = self.lease.hold()
        except Exception as error:  # noqa: BLE001 - whatever the store raises means "not held"
            if not self._store_failing:
                logger.error("beat lease store unreachable, not sending: %s", error)
            self._store_failing = True
            held = False
        else:
            if self._store_failing:
                logger.info("beat lease store reachable again")
            self._store_failing = False
        if held and not self.leading:
            logger.info(
                "beat lease %s taken by %s: sending due tasks", self.lease.key, self.lease.token
            )
            self._take_over()
        elif not held and self.leading:
            logger.warning(
                "beat lease %s lost by %s: standing by", self.lease.key, self.lease.token
            )
            self._stand_down()
        self.leading = held
        return held

    def _take_over(self) -> None:
        # Read the schedule afresh: last runs as the previous holder recorded them.
        self._initial_read = True
        self._heap = None

    def _stand_down(self) -> None:
        # What was reserved but not sent belongs to the new holder now; never record it.
        self._dirty.clear()
        self._heap = None

    def close(self) -> None:
        try:
            super().close()
        finally:
            if self.leading:
                self.leading = False
                try:
                    self.lease.release()
                    logger.info("beat lease %s released by %s", self.lease.key, self.lease.token)
                except Exception as error:  # noqa: BLE001 - it expires by itself anyway
                    logger.warning(
                        "beat lease %s not released (it will expire): %s", self.lease.key, error
                    )
