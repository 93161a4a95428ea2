"""Rows that data migrations seed, loaded again after a transactional test's flush wiped them.

Transactional tests (live servers, worker processes, threads) end with a flush that empties every
table, so the rows of data migrations (shipping's default rate table) are gone for later tests.
"""

from __future__ import annotations

from importlib import import_module
from types import SimpleNamespace

from django.apps import apps
from django.db import connections, router


def ensure_default_shipping_rates() -> None:
    Rate = apps.get_model("shipping", "Rate")
    alias = router.db_for_write(Rate)
    if Rate.objects.using(alias).exists():
        return
    # The migration's own seed function, so tests load exactly what a migrated database has.
    seed = import_module("contexts.shipping.migrations.0002_default_rates").seed
    seed(apps, SimpleNamespace(connection=connections[alias]))
