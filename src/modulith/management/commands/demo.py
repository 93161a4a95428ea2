"""`manage.py demo`: load the demo data of every context this service hosts, idempotently.

A context offers demo data with a module `<context>/demo.py` defining `load(*, out) -> None`.
"""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.core.management.base import BaseCommand

from modulith.contexts.registry import local_contexts


class Command(BaseCommand):
    help = "Load demo data for every context (safe to run again)."

    def handle(self, *args: Any, **options: Any) -> None:
        for context in local_contexts():
            module = f"{context.name}.demo"
            if find_spec(module) is None:
                continue
            import_module(module).load(out=self.stdout)
