"""VersionedCache without a database: entries, tokens, pending writes and an unreachable cache.

The cache here is a LocMemCache (MODULITH["READ_CACHES"] on, as a shared cache would be) or a
Redis client pointed at a port nothing listens on. tests/modulith/test_versioned_cache_races.py
runs writers and readers against PostgreSQL and a real Redis.
"""

from __future__ import annotations

import dataclasses
import time
import uuid
from collections.abc import Callable, Iterator

import pytest
from django.core.cache import caches
from django.test import override_settings
from redis.exceptions import ConnectionError as RedisConnectionError

from modulith.contexts.caching import VersionedCache, shape_key
from tests.modulith.conftest import modulith_overrides

LOCAL = "versioned-local"
UNREACHABLE = "versioned-unreachable"
UNREACHABLE_REDIS = {
    "BACKEND": "modulith.http.cache.RedisCache",
    # Port 1 refuses connections at once: the cache is down, not slow.
    "LOCATION": "redis://127.0.0.1:1/0",
    "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
}
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    LOCAL: {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": LOCAL},
    UNREACHABLE: UNREACHABLE_REDIS,
}


@pytest.fixture(autouse=True)
def _read_caches_on() -> Iterator[None]:
    with override_settings(CACHES=CACHES), modulith_overrides(READ_CACHES=True):
        yield


class Counting:
    """A build function that says how often it ran and answers its current value."""

    def __init__(self, value: str) -> None:
        self.value = value
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        return self.value


def new_cache(alias: str = LOCAL, **options: float) -> VersionedCache:
    return VersionedCache(f"test-{uuid.uuid4().hex}", timeout=60, cache_alias=alias, **options)


def reads(cache: VersionedCache, build: Callable[[], str], times: int) -> list[str]:
    return [cache.get("scope", "key", build) for _ in range(times)]


def test_the_first_read_starts_a_token_and_stores_nothing_the_second_stores_the_third_hits() -> (
    None
):
    cache, build = new_cache(), Counting("v1")

    assert reads(cache, build, 2) == ["v1", "v1"]
    assert build.calls == 2  # no token before the first read: what it built is not kept

    assert reads(cache, build, 3) == ["v1"] * 3
    assert build.calls == 2  # served from the entry


def test_a_hit_serves_the_stored_value_even_when_the_rows_changed_without_a_write() -> None:
    cache, build = new_cache(), Counting("v1")
    reads(cache, build, 2)
    build.value = "changed behind the cache's back"

    assert cache.get("scope", "key", build) == "v1"


def test_during_a_write_nothing_is_served_or_stored_and_its_end_kills_older_entries() -> None:
    cache, build = new_cache(), Counting("old")
    reads(cache, build, 2)  # an entry under the first token

    cache.begin_write("scope")
    build.value = "uncommitted"
    assert reads(cache, build, 3) == ["uncommitted"] * 3
    assert build.calls == 2 + 3  # every read went to the rows

    build.value = "new"
    cache.end_write("scope")
    assert reads(cache, build, 2) == ["new", "new"]
    assert build.calls == 2 + 3 + 1  # built once under the fresh token, then served


def test_a_pending_token_that_expired_turns_into_a_fresh_one() -> None:
    cache, build = new_cache(pending_seconds=0.05), Counting("old")
    reads(cache, build, 2)
    cache.begin_write("scope")  # a write that rolled back, or whose process died

    time.sleep(0.1)
    build.value = "rolled back, still old"
    assert reads(cache, build, 3) == ["rolled back, still old"] * 3
    # The read that found no token built without storing, the next stored, the last hit.
    assert build.calls == 2 + 2


def test_a_missing_token_is_started_again_and_older_entries_stay_dead() -> None:
    cache, build = new_cache(), Counting("old")
    reads(cache, build, 2)
    build.value = "new"

    cache.begin_write("scope")
    cache.end_write("scope")  # the write committed; its token is then evicted:
    caches[LOCAL].delete(cache._version_key("scope"))

    assert reads(cache, build, 3) == ["new"] * 3
    assert build.calls == 2 + 2


def test_scopes_and_caches_keep_their_entries_apart() -> None:
    cache, other_cache = new_cache(), new_cache()
    for _ in range(2):
        cache.get("a", "key", lambda: "a")
        cache.get("b", "key", lambda: "b")
        other_cache.get("a", "key", lambda: "other")

    cache.begin_write("a")

    assert cache.get("b", "key", lambda: "built") == "b"  # untouched by a's write
    assert other_cache.get("a", "key", lambda: "built") == "other"
    assert cache.get("a", "key", lambda: "built") == "built"


def test_get_many_builds_only_the_missing_keys_and_stores_only_what_build_answered() -> None:
    cache = new_cache()
    asked: list[list[str]] = []

    def build(missing: list[str]) -> dict[str, int]:
        asked.append(sorted(missing))
        return {key: len(key) for key in missing if key != "unknown"}

    cache.get_many("scope", ["a"], build)  # starts the token
    assert cache.get_many("scope", ["a", "bb"], build) == {"a": 1, "bb": 2}
    assert cache.get_many("scope", ["a", "bb", "ccc", "unknown"], build) == {
        "a": 1,
        "bb": 2,
        "ccc": 3,
    }
    assert cache.get_many("scope", ["unknown", "ccc"], build) == {"ccc": 3}
    assert asked == [["a"], ["a", "bb"], ["ccc", "unknown"], ["unknown"]]


def test_an_in_process_cache_keeps_nothing_unless_read_caches_says_so() -> None:
    cache, build = new_cache(), Counting("v1")

    with modulith_overrides(READ_CACHES=None):
        assert not cache.enabled()
        reads(cache, build, 3)
        cache.begin_write("scope")  # allowed, and changes nothing here

    assert build.calls == 3


def test_an_unreachable_cache_costs_a_read_of_the_rows_never_an_error() -> None:
    cache, build = new_cache(UNREACHABLE), Counting("from the rows")

    assert reads(cache, build, 2) == ["from the rows"] * 2
    assert cache.get_many("scope", ["a"], lambda missing: {"a": 1}) == {"a": 1}
    assert build.calls == 2
    cache.end_write("scope")  # after a commit a lost token is no error: the pending one expires


def test_a_write_that_cannot_reach_the_cache_raises_so_that_it_rolls_back() -> None:
    cache = new_cache(UNREACHABLE)

    with pytest.raises(RedisConnectionError):
        cache.begin_write("scope")


def test_invalidate_outside_a_transaction_is_refused() -> None:
    # Django would run the after-commit part at once: a fresh token before the rows change.
    with pytest.raises(RuntimeError, match="needs the writing transaction open"):
        new_cache().invalidate("scope", using="default")


def test_a_dataclass_with_other_fields_gets_another_shape_key() -> None:
    @dataclasses.dataclass(frozen=True)
    class Price:
        amount: int

    first = shape_key(Price)

    @dataclasses.dataclass(frozen=True)  # type: ignore[no-redef]
    class Price:
        amount: int
        currency: str

    assert shape_key(Price) != first
    assert shape_key(Price) == shape_key(Price)


def test_a_token_expires_and_the_entries_built_under_it_are_not_served_again() -> None:
    cache, build = new_cache(token_seconds=0.05), Counting("old")
    reads(cache, build, 2)  # a token, then an entry under it
    build.value = "new"

    time.sleep(0.1)  # a scope per row must not keep its token in the cache for ever
    assert reads(cache, build, 3) == ["new"] * 3
    assert build.calls == 2 + 2
