"""modulith.http.cache.RedisCache: Django's Redis cache on one client per connection pool."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from modulith.http.cache import RedisCache
from tests.support.services import REDIS_URL, require


@pytest.fixture
def cache() -> RedisCache:
    url = require(REDIS_URL, 6379, "Redis")
    cache = RedisCache(url, {"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}})
    cache.clear()
    return cache


def test_every_operation_shares_one_client(cache: RedisCache) -> None:
    cache.set("key", {"value": 1}, 30)

    assert cache.get("key") == {"value": 1}
    assert cache.add("counter", 1)
    assert cache.incr("counter", 1) == 2
    assert cache._cache.get_client() is cache._cache.get_client(write=True)
    assert len(cache._cache._clients) == 1


def test_threads_share_the_client(cache: RedisCache) -> None:
    def round_trip(number: int) -> object:
        cache.set(f"key-{number}", number, 30)
        return cache.get(f"key-{number}")

    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(round_trip, range(50))) == list(range(50))
    assert len(cache._cache._clients) == 1
