"""The kernel's settings, read from settings.MODULITH at call time (so tests can override them).

Every key has a default; `kernel_settings()` returns them typed and validated, read again
whenever settings.MODULITH is another dict than last time (override_settings and the test
kit's `settings` fixture replace it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings


def modulith_setting(name: str, default: Any = None) -> Any:
    """A key of settings.MODULITH, read at call time so tests can override it."""
    return getattr(settings, "MODULITH", {}).get(name, default)


def _seconds(value: Any) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _duration(value: Any) -> timedelta:
    return value if isinstance(value, timedelta) else timedelta(seconds=float(value))


@dataclass(frozen=True)
class KernelSettings:
    retry_max_attempts: int
    retry_base_delay: float  # seconds
    retry_max_delay: float  # seconds
    outbox_retention: timedelta
    inbox_retention: timedelta
    # How long the publishing process keeps a just-committed row to itself before a relay may
    # dispatch it too (a relay that came earlier would only cause a harmless duplicate).
    dispatch_grace: timedelta
    # How long a relay owns the rows it claimed; after that another relay may take them.
    claim_lease: timedelta
    relay_batch_size: int
    relay_interval: float  # seconds between relay rounds when there was nothing to do
    # How long dispatched marks of events sent to a broker wait to be written together
    # (modulith.events.marks); 0 writes each transaction's marks right after its sends.
    mark_interval: float  # seconds


def kernel_settings() -> KernelSettings:
    """The kernel's settings. Kept while settings.MODULITH is the same dict: publishing and
    delivering read them for every event, and validating ten keys each time cost more than
    the kernel's own statements' Python (docs/performance.md)."""
    source = getattr(settings, "MODULITH", None)
    cached = _cached
    if cached is not None and cached[0] is source:
        return cached[1]
    config = _read_kernel_settings()
    _remember(source, config)
    return config


# (the MODULITH dict read, what it said): one pair, replaced whole so threads see either.
_cached: tuple[Any, KernelSettings] | None = None


def _remember(source: Any, config: KernelSettings) -> None:
    global _cached
    _cached = (source, config)


def _read_kernel_settings() -> KernelSettings:
    return KernelSettings(
        retry_max_attempts=int(modulith_setting("RETRY_MAX_ATTEMPTS", 8)),
        retry_base_delay=_seconds(modulith_setting("RETRY_BASE_DELAY", 1.0)),
        retry_max_delay=_seconds(modulith_setting("RETRY_MAX_DELAY", 300.0)),
        outbox_retention=_duration(modulith_setting("OUTBOX_RETENTION", timedelta(days=7))),
        inbox_retention=_duration(modulith_setting("INBOX_RETENTION", timedelta(days=30))),
        dispatch_grace=_duration(modulith_setting("DISPATCH_GRACE", timedelta(seconds=30))),
        claim_lease=_duration(modulith_setting("CLAIM_LEASE", timedelta(seconds=120))),
        relay_batch_size=int(modulith_setting("RELAY_BATCH_SIZE", 500)),
        relay_interval=_seconds(modulith_setting("RELAY_INTERVAL", 1.0)),
        mark_interval=_seconds(modulith_setting("MARK_INTERVAL", 0.2)),
    )


# Cache backends that live inside one process: nothing to reach over the network, and nothing
# another process can see (no lock or lease held there protects across processes).
IN_PROCESS_CACHES = frozenset(
    {
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.dummy.DummyCache",
    }
)
