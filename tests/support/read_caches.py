"""The contexts' read caches (modulith.contexts.caching) kept in a real Redis, for the tests that
prove a cached read never shows what a committed write has changed.

    with read_caches_in(redis_url):
        ...  # Django's cache is Redis at redis_url, MODULITH["READ_CACHES"] is on

Other processes a test starts (Celery workers) must be given the same Redis as REDIS_URL, or
their writes would invalidate a cache of their own process's memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import redis
from django.test import override_settings

from tests.modulith.conftest import modulith_overrides

# Every read cache's keys start so (modulith.contexts.caching), whatever Django prefixes.
READ_CACHE_KEYS = "*modulith:read-cache:*"


def redis_caches(url: str) -> dict[str, dict[str, object]]:
    """CACHES with the default cache in Redis at `url`, the backend config/settings uses."""
    return {
        "default": {
            "BACKEND": "modulith.http.cache.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }


@contextmanager
def read_caches_in(url: str) -> Iterator[None]:
    """The read caches on, in Redis at `url`; their keys are deleted afterwards."""
    try:
        with override_settings(CACHES=redis_caches(url)), modulith_overrides(READ_CACHES=True):
            yield
    finally:
        client = redis.Redis.from_url(url)
        keys = list(client.scan_iter(match=READ_CACHE_KEYS, count=1000))
        if keys:
            client.delete(*keys)
