"""Run-time guard benchmark: prints what the table guard adds to a query (nothing is asserted).

    python bench/guards.py              # SQLite in a temporary file, migrated first
    BENCH_DATABASE_URL=postgres://… python bench/guards.py

The same ORM read of a context's own table, issued from that context's selectors (so the guard
attributes it by walking the stack and matches its tables), with the guards off and then on.
The guards run under tests and DEBUG only; the figure says what they cost there.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DEBUG"] = "false"  # DEBUG records every query in memory and would skew the figure
os.environ.setdefault("SECRET_KEY", "benchmark-only-key-not-secret")
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", f"sqlite:///{tempfile.mkdtemp(prefix='bench-guards-')}/bench.sqlite3"
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from contexts.catalog import selectors  # noqa: E402
from modulith import guards  # noqa: E402

QUERIES = 2_000
ROUNDS = 5


def per_query_microseconds() -> float:
    started = time.perf_counter()
    for _ in range(QUERIES):
        selectors.products_by_sku(skus=["NO-SUCH-SKU"])
    return (time.perf_counter() - started) / QUERIES * 1e6


def main() -> None:
    call_command("migrate", verbosity=0)
    guards.uninstall()
    per_query_microseconds()  # warm up: connection, statement caches
    # Interleaved rounds, best of each: a shared machine's noise only ever adds time.
    off, on = [], []
    for _ in range(ROUNDS):
        off.append(per_query_microseconds())
        guards.install()
        on.append(per_query_microseconds())
        guards.uninstall()
    best_off, best_on = min(off), min(on)
    print(f"{QUERIES} reads of catalog's own table from catalog.selectors, best of {ROUNDS}")
    print(f"  guards off: {best_off:8.1f} µs per query")
    print(
        f"  guards on:  {best_on:8.1f} µs per query  "
        f"(+{best_on - best_off:.1f} µs, ratio {best_on / best_off:.2f})"
    )


if __name__ == "__main__":
    main()
