"""The one way a test waits for something another thread or process does.

    order = wait_until(lambda: find_order(order_id), timeout=30, what="the order to settle")

`probe` is called until it returns something other than None or False; that value is returned.
After `timeout` seconds the test fails with `StillWaiting`, saying what never happened.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class StillWaiting(AssertionError):
    pass


def wait_until(
    probe: Callable[[], T | None], *, timeout: float, what: str, interval: float = 0.05
) -> T:
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result is not None and result is not False:
            return result
        if time.monotonic() > deadline:
            raise StillWaiting(f"after {timeout:g}s still waiting for {what}")
        time.sleep(interval)
