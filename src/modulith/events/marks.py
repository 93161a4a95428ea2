"""Dispatched marks of events sent to a broker, written in batches off the publisher's path.

Once every subscription of a committed event got it, its outbox row is marked dispatched. The
mark is bookkeeping: it only keeps a relay from sending the event again once the row's grace
ends. Written right after each transaction's sends it costs a transaction of its own per
publishing request or handler run (BEGIN, SET LOCAL, UPDATE, COMMIT). So the marks wait here,
per database, and a thread of this process writes all that gathered every `MARK_INTERVAL`
(0.2 s by default, well inside the 30 s grace) in one bookkeeping transaction.

Losing waiting marks (the process is killed) costs what a crash between send and mark always
cost: the relay sends those events again after their grace and the inboxes absorb the
duplicates. A process's own relay writes its waiting marks before it claims rows, and the
marks are written at interpreter exit. A forked child starts with none: its parent's thread
writes the parent's.

Marks carried by an in-process delivery (modulith.events.aftercommit) commit with that delivery and
never wait here.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time

from django.db import close_old_connections, connections

from modulith.events.bookkeeping import mark_dispatched_safely
from modulith.settings import kernel_settings

logger = logging.getLogger(__name__)

# Rounds without marks after which the writing thread closes its connections and ends.
IDLE_ROUNDS = 5


class PendingMarks:
    def __init__(self) -> None:
        self._reset()
        os.register_at_fork(after_in_child=self._reset)
        atexit.register(self.flush)

    def _reset(self) -> None:
        # In a forked child too: a lock held by a parent's thread at fork would never be freed.
        self._lock = threading.Lock()
        self._waiting: dict[str, list[str]] = {}
        self._writer: threading.Thread | None = None

    def add(self, alias: str, event_ids: list[str]) -> None:
        """Mark `event_ids` dispatched soon (at once when MARK_INTERVAL is 0)."""
        if not event_ids:
            return
        interval = kernel_settings().mark_interval
        if interval <= 0:
            _write(alias, event_ids)
            return
        with self._lock:
            self._waiting.setdefault(alias, []).extend(event_ids)
            if self._writer is None:
                self._writer = threading.Thread(
                    target=self._write_every, args=(interval,), name="modulith-marks", daemon=True
                )
                self._writer.start()

    def waiting(self, alias: str) -> list[str]:
        with self._lock:
            return list(self._waiting.get(alias, ()))

    def flush(self, alias: str | None = None) -> None:
        """Write the waiting marks (of `alias`, or of every database) now, in this thread."""
        with self._lock:
            if alias is None:
                taken, self._waiting = self._waiting, {}
            else:
                taken = {alias: self._waiting.pop(alias, [])}
        for database, event_ids in taken.items():
            if event_ids:
                _write(database, event_ids)

    def _write_every(self, interval: float) -> None:
        idle = 0
        while True:
            time.sleep(interval)
            with self._lock:
                if not any(self._waiting.values()):
                    idle += 1
                    if idle >= IDLE_ROUNDS:
                        # Quiet for a while: give the connection back; `add` starts a new writer.
                        self._writer = None
                        break
                    continue
            idle = 0
            try:
                # This thread's own connections: drop one the database closed meanwhile.
                close_old_connections()
                self.flush()
            except Exception:
                logger.exception("writing dispatched marks failed; the relay will send them")
        connections.close_all()


def _write(alias: str, event_ids: list[str]) -> None:
    mark_dispatched_safely(alias, event_ids)


pending_marks = PendingMarks()
