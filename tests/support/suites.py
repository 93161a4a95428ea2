"""Marks a whole test suite (a directory of tests) from its conftest.py, once.

    def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
        mark_suite(items, Path(__file__).parent, pytest.mark.slow)

pytest calls a conftest's collection hook with every collected item, not only its own
directory's, hence the filter on the suite's path.
"""

from __future__ import annotations

from pathlib import Path

import pytest


def mark_suite(items: list[pytest.Item], suite: Path, marker: pytest.MarkDecorator) -> None:
    for item in items:
        if item.path.is_relative_to(suite):
            item.add_marker(marker)
