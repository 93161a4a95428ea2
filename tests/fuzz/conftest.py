"""The fuzz suite: schemathesis against a running shop."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.suites import mark_suite


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Every test here starts processes or servers: the suite is slow, and make test-fast skips it.
    mark_suite(items, Path(__file__).parent, pytest.mark.slow)
