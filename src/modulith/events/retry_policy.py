"""The retry policy: when a failed delivery (or a failed send to a broker) is tried again.

Attempt n waits between half and all of min(retry_max_delay, retry_base_delay * 2^(n-1)) (the
kernel settings, modulith.settings); after retry_max_attempts failed attempts the delivery is a
dead letter (modulith.events.delivery). The relay re-sends a retry once it is due
(modulith.events.recovery.retries), and system check modulith.E009 makes sure inbox rows are
kept longer than the longest retry window.
"""

from __future__ import annotations

import random
from datetime import timedelta

from modulith.settings import KernelSettings, kernel_settings


def retry_ceiling(config: KernelSettings, attempts: int) -> float:
    """The longest wait, in seconds, before retry number `attempts`: min(cap, base * 2^(n-1))."""
    return min(config.retry_max_delay, config.retry_base_delay * 2 ** max(attempts - 1, 0))


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff with jitter, capped: attempt n waits between half and all of
    min(cap, base * 2^(n-1)), so the delays grow while retries of many events spread out."""
    ceiling = retry_ceiling(kernel_settings(), attempts)
    return timedelta(seconds=random.uniform(ceiling / 2, ceiling))


def longest_retry_window(config: KernelSettings) -> timedelta:
    """The longest time between an event's first delivery attempt and its last retry."""
    total = 0.0
    for attempt in range(1, config.retry_max_attempts):
        total += retry_ceiling(config, attempt)
    return timedelta(seconds=total)
