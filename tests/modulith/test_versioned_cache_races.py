"""VersionedCache against PostgreSQL and a real Redis: readers racing a writer's transaction.

The guarantee under test: once a write's transaction has committed and its call returned, no read
serves an entry built from the rows before it; a rolled-back write leaves none either. Each race
is forced step by step with events between threads (each thread has its own connection), and
one test lets readers and a writer run freely for many rounds.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator

import pytest
from django.db import connection, router, transaction
from django.test import override_settings
from redis.exceptions import ConnectionError as RedisConnectionError

from modulith.contexts.caching import VersionedCache
from tests.modulith.conftest import modulith_overrides
from tests.modulith.contexts.sample.models import Thing
from tests.modulith.test_versioned_cache import UNREACHABLE_REDIS

pytestmark = [pytest.mark.django_db(transaction=True)]

SHARED = "versioned-shared"
UNREACHABLE = "versioned-unreachable"
STEP = 10  # seconds a thread waits for the other at most: a hang fails instead of blocking


@pytest.fixture
def shared_cache(postgres: None, redis_url: str) -> Iterator[None]:
    caches = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        SHARED: {"BACKEND": "modulith.http.cache.RedisCache", "LOCATION": redis_url},
        UNREACHABLE: UNREACHABLE_REDIS,
    }
    # READ_CACHES unset: a Redis cache is shared, so it keeps entries by itself.
    with override_settings(CACHES=caches), modulith_overrides(READ_CACHES=None):
        yield


@pytest.fixture
def thing(shared_cache: None) -> Thing:
    return Thing.objects.create(id=uuid.uuid4(), note="old")


def new_cache(alias: str = SHARED, **options: float) -> VersionedCache:
    return VersionedCache(f"test-{uuid.uuid4().hex}", timeout=60, cache_alias=alias, **options)


def alias() -> str:
    return router.db_for_write(Thing)


def note_reader(cache: VersionedCache, thing: Thing) -> Callable[[str], str]:
    """read(key): the thing's note through the cache under `key`, from the database on a miss."""

    def read(key: str) -> str:
        return cache.get("things", key, lambda: Thing.objects.get(id=thing.id).note)

    return read


def change_note(cache: VersionedCache, thing: Thing, note: str) -> None:
    """The write use case under test: change the row, invalidate, in the caller's transaction."""
    Thing.objects.filter(id=thing.id).update(note=note)
    cache.invalidate("things", using=alias())


def warm(read: Callable[[str], str], *keys: str) -> None:
    for key in keys:
        read(key)  # starts the token
        read(key)  # stores the entry


@pytest.fixture
def notes(thing: Thing) -> tuple[VersionedCache, Callable[[str], str]]:
    """A cache of the thing's note, and its reader, with the entry "key" stored."""
    cache = new_cache()
    read = note_reader(cache, thing)
    warm(read, "key")
    return cache, read


def in_thread(target: Callable[[], None]) -> threading.Thread:
    def run() -> None:
        try:
            target()
        finally:
            connection.close()  # the thread's own connection

    started = threading.Thread(target=run)
    started.start()
    return started


def test_an_entry_built_from_rows_a_committed_write_changed_is_never_served(
    thing: Thing, notes: tuple[VersionedCache, Callable[[str], str]]
) -> None:
    cache, read = notes
    pending, commit, committed = threading.Event(), threading.Event(), threading.Event()

    def write() -> None:
        with transaction.atomic(using=alias()):
            change_note(cache, thing, "new")
            pending.set()
            assert commit.wait(STEP)
        committed.set()  # after the commit and its fresh token

    during_write: list[str] = []

    def slow_build() -> str:
        # This reader took the token before the write began and reads the rows while it runs.
        writer = in_thread(write)
        assert pending.wait(STEP)
        note = Thing.objects.get(id=thing.id).note
        during_write.append(read("key"))  # a second reader, while the token is pending
        during_write.append(read("cold"))
        commit.set()
        assert committed.wait(STEP)
        writer.join(STEP)
        return note

    assert cache.get("things", "racing", slow_build) == "old"  # stored under the old token
    assert during_write == ["old", "old"]  # the rows, uncommitted change unseen

    assert [read("racing"), read("key"), read("cold")] == ["new", "new", "new"]


def test_a_reader_that_starts_a_token_during_a_write_stores_nothing_it_built(
    thing: Thing,
) -> None:
    cache = new_cache()
    read = note_reader(cache, thing)

    with transaction.atomic(using=alias()):
        change_note(cache, thing, "new")
        # The writer's own reads see its uncommitted row: served, never stored.
        assert [read("key"), read("key")] == ["new", "new"]

    assert [read("key"), read("key")] == ["new", "new"]


def test_a_rolled_back_write_leaves_no_entry_of_the_rows_it_did_not_commit(thing: Thing) -> None:
    cache = new_cache(pending_seconds=0.5)
    read = note_reader(cache, thing)
    warm(read, "key")

    class RolledBack(Exception):
        pass

    with pytest.raises(RolledBack), transaction.atomic(using=alias()):
        change_note(cache, thing, "never committed")
        assert read("key") == "never committed"  # the writer's own view, not stored
        raise RolledBack

    assert read("key") == "old"  # the pending token is left: read from the rows
    time.sleep(0.6)  # until it expires
    assert [read("key"), read("key"), read("key")] == ["old"] * 3


def test_a_write_that_cannot_reach_the_cache_rolls_back(thing: Thing) -> None:
    cache = new_cache(UNREACHABLE)

    with pytest.raises(RedisConnectionError), transaction.atomic(using=alias()):
        change_note(cache, thing, "new")

    assert Thing.objects.get(id=thing.id).note == "old"


def test_readers_racing_many_writes_never_see_a_value_older_than_the_last_returned_write(
    thing: Thing, notes: tuple[VersionedCache, Callable[[str], str]]
) -> None:
    cache, read = notes
    writes = 40
    last_returned = ["old"]  # the note of the last write whose call returned
    stale: list[tuple[str, str]] = []
    done = threading.Event()

    def writer() -> None:
        try:
            for round_ in range(writes):
                note = f"v{round_:03d}"
                with transaction.atomic(using=alias()):
                    change_note(cache, thing, note)
                last_returned[0] = note
                if (seen := read("key")) != note:
                    stale.append((note, seen))
        finally:
            done.set()

    def reader() -> None:
        while not done.is_set():
            # Notes grow with every write: one read before a returned write's is stale.
            expected_at_least = last_returned[0]
            if (seen := read("key")) < expected_at_least:
                stale.append((expected_at_least, seen))

    threads = [in_thread(reader), in_thread(reader), in_thread(writer)]
    for started in threads:
        started.join(60)

    assert done.is_set()
    assert stale == []
    assert read("key") == f"v{writes - 1:03d}"
