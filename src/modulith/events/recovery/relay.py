"""The relay: what makes sure no committed event is lost and every due retry runs.

One round dispatches the claimable outbox rows and re-sends the due retries on every database
alias. `manage.py events relay` runs rounds in a loop (the embedded default, which has no
broker); the beat-scheduled task `modulith.relay` runs one round (production). Both can run
many times at once: claims use SKIP LOCKED and leases.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass

from django.db import close_old_connections

from modulith.contexts.registry import database_aliases
from modulith.events.dispatch import relay_outbox
from modulith.events.recovery.retries import resend_due_retries
from modulith.settings import kernel_settings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RelayRound:
    dispatched: int = 0
    retried: int = 0

    @property
    def did_work(self) -> bool:
        return bool(self.dispatched or self.retried)

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def relay_once(
    *, databases: Iterable[str] | None = None, batch_size: int | None = None
) -> RelayRound:
    """One batch of outbox rows and one batch of due retries per database alias."""
    dispatched = retried = 0
    for alias in databases or database_aliases():
        dispatched += relay_outbox(alias, limit=batch_size)
        retried += resend_due_retries(alias, limit=batch_size)
    return RelayRound(dispatched=dispatched, retried=retried)


def run_relay(
    *,
    stop: threading.Event,
    interval: float | None = None,
    databases: Iterable[str] | None = None,
    batch_size: int | None = None,
    on_round: Callable[[RelayRound], None] | None = None,
) -> None:
    """Relay until `stop` is set: straight on while there is work, pausing when idle."""
    pause = kernel_settings().relay_interval if interval is None else interval
    aliases = list(databases) if databases is not None else None
    while not stop.is_set():
        # A long-running loop must not keep a connection the database dropped meanwhile.
        close_old_connections()
        try:
            result = relay_once(databases=aliases, batch_size=batch_size)
        except Exception:
            # A database outage must not end the relay: log it and try again after a pause.
            logger.exception("relay round failed; retrying in %.1fs", pause)
            result = RelayRound()
        if on_round is not None:
            on_round(result)
        if not result.did_work:
            stop.wait(pause)
