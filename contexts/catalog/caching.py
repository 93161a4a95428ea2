"""The catalog's read cache: the pages of the product list and the products placements price.

Both live in one scope, so every write use case (services.py) invalidates them together inside
its transaction; modulith.contexts.caching says why no entry built before a committed write is
served after it.
"""

from __future__ import annotations

from contexts.catalog import database
from modulith.contexts.caching import VersionedCache

# A minute: correctness needs no timeout, but it bounds what the cases VersionedCache cannot
# see (its docstring) could serve, and a miss a minute per key costs nothing.
catalog_cache = VersionedCache("catalog", timeout=60)
PRODUCTS = "products"


def invalidate_products() -> None:
    """Call inside the transaction that changes products (any field, or whether they exist)."""
    catalog_cache.invalidate(PRODUCTS, using=database.alias())
