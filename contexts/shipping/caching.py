"""Shipping's read cache: the rate table of each destination, which placements quote from.

One scope, the rates, which every write to zones, their countries or rates invalidates inside
its transaction: the admin's saves and deletes (admin.py) and the data migrations (apps.py);
modulith.contexts.caching says why no entry built before a committed write is served after it.
"""

from __future__ import annotations

from modulith.contexts.caching import VersionedCache

# A minute: correctness needs no timeout, but it bounds what the cases VersionedCache cannot
# see (its docstring) could serve, and a miss a minute per key costs nothing.
shipping_cache = VersionedCache("shipping", timeout=60)
RATES = "rates"
