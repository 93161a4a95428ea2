"""Reachability of the real services tests use, and the skip-or-fail rule for them.

Locally a test that needs an unreachable service is skipped with the reason; under CI=true the
same situation fails, so CI can never go green by skipping.
"""

from __future__ import annotations

import os
import socket
from urllib.parse import urlparse

import pytest

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
RABBITMQ_URL = os.environ.get("TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672//")


def running_in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def reachable(url: str, default_port: int, timeout: float = 1.0) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout
        ):
            return True
    except OSError:
        return False


def require(url: str, default_port: int, name: str) -> str:
    """Return `url` if the service answers; otherwise skip (locally) or fail (CI)."""
    if reachable(url, default_port):
        return url
    message = f"{name} is unreachable at {url}"
    if running_in_ci():
        pytest.fail(f"{message}; under CI=true this test is mandatory.")
    pytest.skip(f"{message}; start it to run this test.")
    raise AssertionError("unreachable")  # pragma: no cover


def require_postgres() -> None:
    """Skip (or, under CI, fail) unless this run's default database is PostgreSQL."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    reason = "needs PostgreSQL: this run uses SQLite (make test runs the suite on both)"
    pytest.skip(reason)


CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def require_chromium() -> str:
    """The path of Debian's chromium (`make chromium` installs it); skip locally, fail in CI."""
    if os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    message = f"no chromium at {CHROMIUM} (install it with `make chromium`)"
    if running_in_ci():
        pytest.fail(f"{message}; under CI=true this test is mandatory.")
    pytest.skip(message)
    raise AssertionError("unreachable")  # pragma: no cover
