"""Read caches that never serve what a committed write has changed.

A context caches what it reads often and changes rarely (the catalog's pages and prices, an
order's representation) under a *scope*, and every write use case that changes the scope's rows
calls `invalidate(scope)` inside its transaction:

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
commit with a fresh one, so entries built from the old rows are never served again. The pending
token expires by itself (PENDING_SECONDS): a rolled-back transaction, or a process that died
between its commit and the second token, only turns the cache off for the scope until then,
and a reader who then finds no token starts a fresh one. If the cache cannot be written,
`invalidate` raises and the write rolls back: a cache that might still hold old entries must
not be left believing them.

The cache must be one every process sees (Redis). A cache inside one process (Django's
LocMemCache or DummyCache) cannot hear of another process's writes, so with one of those every
read goes to the database, unless MODULITH["READ_CACHES"] is True, which the test suite sets for
the tests of the caches themselves.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import caches
from django.db import transaction

from modulith.settings import IN_PROCESS_CACHES, modulith_setting

T = TypeVar("T")

logger = logging.getLogger(__name__)

PENDING = "pending:"
# Longer than any write transaction of a context; it only limits how long a rolled-back or
# interrupted write keeps its scope uncached.
PENDING_SECONDS = 60


class VersionedCache:
    def __init__(self, name: str, *, timeout: int, cache_alias: str = "default") -> None:
        self.name = name
        self.timeout = timeout
        self.cache_alias = cache_alias

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
        if not self.enabled():
            return build()
        cache = caches[self.cache_alias]
        version_key, entry_key = self._version_key(scope), self._entry_key(scope, key)
        try:
            found = cache.get_many([version_key, entry_key])
        except Exception:  # noqa: BLE001 - the cache is an optimisation: any failure falls back
            logger.warning("read cache %s unreachable; reading the database", self.name)
            return build()
        token = found.get(version_key)
        if token is None:
            # No token yet, or it expired or was evicted: start one. What is built now is not
            # stored: a writer may have changed the rows since an older token was dropped.
            self._quietly(cache.add, version_key, _fresh_token(), None)
            return build()
        if token.startswith(PENDING):
            return build()
        entry = found.get(entry_key)
        if entry is not None and entry[0] == token:
            value: T = entry[1]
            return value
        value = build()
        self._quietly(cache.set, entry_key, (token, value), self.timeout)
        return value

    def invalidate(self, scope: str, *, using: str) -> None:
        """Call inside the transaction (on database `using`) that changes the scope's rows."""
        if not self.enabled():
            return
        cache = caches[self.cache_alias]
        version_key = self._version_key(scope)
        cache.set(version_key, PENDING + _fresh_token(), PENDING_SECONDS)
        transaction.on_commit(
            lambda: self._quietly(cache.set, version_key, _fresh_token(), None), using=using
        )

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


def _fresh_token() -> str:
    return secrets.token_hex(8)
