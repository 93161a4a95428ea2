"""Read caches that never serve what a committed write has changed.

A context caches what it reads often and changes rarely (the catalog's pages and prices, an
order's representation) under a *scope*, and every write use case that changes the scope's rows
calls `invalidate(scope)` inside its transaction (`get_many` reads several keys at once):

    product_pages = VersionedCache("catalog.products", timeout=300)

    def product_page(*, query: str) -> Page:                       # a reader
        return product_pages.get("all", query, lambda: _page_from_database(query))

    @database.atomic
    def product_update(*, sku: str, price: Decimal) -> Product:    # a writer
        product_pages.invalidate("all", using=database.alias())
        ...

How it stays correct: a scope has a version token in the shared cache, and an entry is served
only while it carries the scope's current token. `invalidate` replaces the token twice: at once
with a *pending* token, under which nothing is stored or served (a reader in the middle of the
writer's transaction would otherwise cache rows that are about to change), and again after the
commit with a fresh one, so entries built from the old rows are never served again. A reader
reads the token before it reads the rows, so an entry carries a token at least as old as the
rows it was built from. The guarantee: once a write use case has returned to its caller, no read
serves an entry built before its commit. (A read running at the same moment as the write may
still get the old rows, as it would from the database.)

The pending token expires by itself (pending_seconds): a rolled-back transaction, or a process
that died between its commit and the second token, only turns the cache off for the scope until
then, and a reader who then finds no token starts a fresh one without storing what it built. If
the cache cannot be written, `invalidate` raises and the write rolls back: a cache that might
still hold old entries must not be left believing them. `invalidate` also raises outside a
transaction, where its "after the commit" would come before the rows change.

What it cannot see: a write transaction that outlives its pending token *and* whose fresh token
is then lost (the cache unreachable just after the commit) leaves entries a reader built in
between until they time out; and a cache that comes back from a restart with an older snapshot
of itself brings back old tokens and old entries together. Keep write transactions short, the
entries' timeout modest, and the shared cache without persistence (or flushed when it restarts).

The cache must be one every process sees (Redis). A cache inside one process (Django's
LocMemCache or DummyCache) cannot hear of another process's writes, so with one of those every
read goes to the database, unless MODULITH["READ_CACHES"] is True, which the test suite sets for
the tests of the caches themselves.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import secrets
from collections.abc import Callable, Collection, Mapping
from typing import Any, TypeVar

from django.apps import AppConfig
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import post_migrate

from modulith.settings import IN_PROCESS_CACHES, modulith_setting

T = TypeVar("T")

logger = logging.getLogger(__name__)

PENDING = "pending:"
# Longer than any write transaction of a context; it only limits how long a rolled-back or
# interrupted write keeps its scope uncached.
PENDING_SECONDS = 60
# How long a scope's token outlives the entries built under it. A scope per row (an order) would
# otherwise leave a key per row in the cache for ever; a token that expired is no risk, since a
# reader who finds none starts a fresh one and stores nothing until the next read.
TOKEN_LIFETIMES = 10


class VersionedCache:
    def __init__(
        self,
        name: str,
        *,
        timeout: int,
        cache_alias: str = "default",
        pending_seconds: float = PENDING_SECONDS,
        token_seconds: float | None = None,
    ) -> None:
        self.name = name
        self.timeout = timeout
        self.token_seconds = token_seconds or TOKEN_LIFETIMES * timeout
        self.cache_alias = cache_alias
        self.pending_seconds = pending_seconds

    def enabled(self) -> bool:
        """Whether entries are kept: MODULITH["READ_CACHES"], else only in a shared cache."""
        configured = modulith_setting("READ_CACHES")
        if configured is not None:
            return bool(configured)
        backend = type(caches[self.cache_alias])
        return f"{backend.__module__}.{backend.__qualname__}" not in IN_PROCESS_CACHES

    def get(self, scope: str, key: str, build: Callable[[], T]) -> T:
        """The entry `key` of `scope` if it carries the scope's token, else `build()` (stored).

        `build` must read committed rows only: call it outside any transaction that has written
        to the scope. The cache being unreachable costs a database read, never an error.
        """
        return self.get_many(scope, [key], lambda missing: {key: build()})[key]

    def get_many(
        self,
        scope: str,
        keys: Collection[str],
        build: Callable[[list[str]], Mapping[str, T]],
    ) -> dict[str, T]:
        """The entries `keys` of `scope` that carry the scope's token, and `build(missing)` for
        the others (stored), in one round trip to the cache. A key `build` leaves out is absent
        from the answer and is not stored; `build` follows the rules of `get`."""
        if not self.enabled():
            return dict(build(list(keys)))
        cache = caches[self.cache_alias]
        version_key = self._version_key(scope)
        entry_keys = {key: self._entry_key(scope, key) for key in keys}
        try:
            found = cache.get_many([version_key, *entry_keys.values()])
        except Exception:  # noqa: BLE001 - the cache is an optimisation: any failure falls back
            logger.warning("read cache %s unreachable; reading the database", self.name)
            return dict(build(list(keys)))
        token = found.get(version_key)
        if token is None:
            # No token yet, or it expired or was evicted: start one. What is built now is not
            # stored: a writer may have changed the rows since an older token was dropped.
            self._quietly(cache.add, version_key, _fresh_token(), self.token_seconds)
            return dict(build(list(keys)))
        if token.startswith(PENDING):
            return dict(build(list(keys)))
        served: dict[str, T] = {}
        for key, entry_key in entry_keys.items():
            entry = found.get(entry_key)
            if entry is not None and entry[0] == token:
                served[key] = entry[1]
        missing = [key for key in entry_keys if key not in served]
        if missing:
            built = build(missing)
            stored = {entry_keys[key]: (token, value) for key, value in built.items()}
            self._quietly(cache.set_many, stored, self.timeout)
            served.update(built)
        return served

    def invalidate(self, scope: str, *, using: str) -> None:
        """Call inside the transaction (on database `using`) that changes the scope's rows.

        Raises if no transaction is open there (the fresh token would come before the rows
        change) or if the cache cannot be written (the write must then roll back).
        """
        if not transaction.get_connection(using).in_atomic_block:
            raise RuntimeError(
                f"{self.name}: invalidate() needs the writing transaction open on {using!r}; "
                "outside one its fresh token would be set before the rows change."
            )
        if not self.enabled():
            return
        self.begin_write(scope)
        transaction.on_commit(lambda: self.end_write(scope), using=using)

    def begin_write(self, scope: str) -> None:
        """The scope's rows are about to change: nothing is stored or served until end_write()
        (or for pending_seconds). Raises if the cache cannot be written."""
        cache = caches[self.cache_alias]
        cache.set(self._version_key(scope), PENDING + _fresh_token(), self.pending_seconds)

    def end_write(self, scope: str) -> None:
        """The change is committed: a fresh token, under which entries built before are dead."""
        cache = caches[self.cache_alias]
        self._quietly(cache.set, self._version_key(scope), _fresh_token(), self.token_seconds)

    def _version_key(self, scope: str) -> str:
        return f"modulith:read-cache:{self.name}:{scope}"

    def _entry_key(self, scope: str, key: str) -> str:
        # Keys may be long query strings: a digest keeps them short and free of odd characters.
        digest = hashlib.blake2b(key.encode(), digest_size=16).hexdigest()
        return f"modulith:read-cache:{self.name}:{scope}:{digest}"

    def _quietly(self, operation: Callable[..., Any], *args: Any) -> None:
        # Storing an entry or a token may fail without harm: a missing entry is rebuilt, and a
        # pending token left behind expires by itself.
        try:
            operation(*args)
        except Exception:  # noqa: BLE001 - a lost entry or token does no harm (see above)
            logger.warning("read cache %s could not be written", self.name)


def invalidate_after_migrate(cache: VersionedCache, scope: str, *, app_config: AppConfig) -> None:
    """Invalidate `scope` whenever `migrate` ran for `app_config`'s app (call from its ready()).

    A data migration writes rows without the context's use cases, and a database migrated
    from nothing (a new environment, a bench) must not meet the entries an earlier database
    left in the shared cache. If the cache cannot be written the command fails, after its
    migrations: better than a deployment that serves what the migration changed.
    """

    def migrated(*, using: str, **kwargs: Any) -> None:
        with transaction.atomic(using=using):
            cache.invalidate(scope, using=using)

    post_migrate.connect(
        migrated, sender=app_config, weak=False, dispatch_uid=f"{cache.name}:{scope}:migrate"
    )


def shape_key(value_type: type) -> str:
    """A short name for the shape of a dataclass a cache keeps, for its entries' keys: a field
    added, renamed or retyped gives another, so new code never unpickles an old entry."""
    shape = [(field.name, str(field.type)) for field in dataclasses.fields(value_type)]
    declaration = f"{value_type.__module__}.{value_type.__qualname__}{shape}"
    return hashlib.blake2b(declaration.encode(), digest_size=8).hexdigest()


def _fresh_token() -> str:
    return secrets.token_hex(8)
