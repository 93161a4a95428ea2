"""The live context map: who publishes what to whom, and how each subscription is doing.

Built from the queries behind /metrics (modulith.ops.metrics), so the admin's event
flow page and the Prometheus gauges never disagree. Per subscription:

- delivered: deliveries processed and not purged yet;
- backlog: outbox rows of its event type not dispatched yet, and the age of the oldest;
- retrying and dead: deliveries waiting for a retry, and dead letters.

A database that cannot be read is listed as such; the other databases' figures still show.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import DatabaseError
from django.utils import timezone

from modulith.contexts.registry import all_contexts, database_aliases
from modulith.events.declaration import all_event_specs
from modulith.events.subscriptions import all_subscriptions
from modulith.ops.metrics import (
    InboxCounts,
    OutboxBacklog,
    inbox_counts,
    outbox_backlog_by_type,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SubscriptionFlow:
    """One arrow of the map: `publisher` --event_type--> `subscriber` (`name`)."""

    name: str
    publisher: str
    event_type: str
    subscriber: str
    database: str
    delivered: int
    backlog: int
    oldest_pending_seconds: float | None
    retrying: int
    dead: int

    @property
    def oldest_pending(self) -> str:
        return age_text(self.oldest_pending_seconds)

    @property
    def state(self) -> str:
        """ "dead", "retrying", "waiting" or "ok": the worst thing to look at first."""
        if self.dead:
            return "dead"
        if self.retrying:
            return "retrying"
        return "waiting" if self.backlog else "ok"


@dataclass(frozen=True)
class ContextFlow:
    name: str
    database: str
    transport: str
    publishes: tuple[str, ...]
    subscribes: tuple[str, ...]
    outbox_pending: int
    oldest_pending_seconds: float | None

    @property
    def oldest_pending(self) -> str:
        return age_text(self.oldest_pending_seconds)


@dataclass(frozen=True)
class FlowMap:
    taken_at: datetime
    contexts: tuple[ContextFlow, ...]
    subscriptions: tuple[SubscriptionFlow, ...]
    unreadable_databases: tuple[str, ...]

    @property
    def dead(self) -> int:
        return sum(flow.dead for flow in self.subscriptions)

    @property
    def retrying(self) -> int:
        return sum(flow.retrying for flow in self.subscriptions)


def age_text(seconds: float | None) -> str:
    """12 s, 5 min, 3 h, 2 d; an em dash when nothing is waiting."""
    if seconds is None:
        return "\u2014"
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{int(seconds // size)} {unit}"
    return f"{int(seconds)} s"


def flow_map(*, now: datetime | None = None) -> FlowMap:
    now = now or timezone.now()
    backlog: dict[tuple[str, str], OutboxBacklog] = {}
    counts: dict[tuple[str, str], InboxCounts] = {}
    unreadable = []
    for alias in database_aliases():
        try:
            backlog.update(outbox_backlog_by_type(alias))
            counts.update(((alias, name), figures) for name, figures in inbox_counts(alias).items())
        except DatabaseError:
            logger.warning("event flow: cannot read database %s", alias, exc_info=True)
            unreadable.append(alias)

    publisher_of = {spec.type: spec.context for spec in all_event_specs()}

    def age(oldest: datetime | None) -> float | None:
        return max((now - oldest).total_seconds(), 0.0) if oldest else None

    subscriptions = []
    for sub in all_subscriptions():
        publisher = publisher_of.get(sub.event_type, "?")
        pending = backlog.get((publisher, sub.event_type), OutboxBacklog())
        figures = counts.get((sub.context.database_alias, sub.name), InboxCounts())
        subscriptions.append(
            SubscriptionFlow(
                name=sub.name,
                publisher=publisher,
                event_type=sub.event_type,
                subscriber=sub.context_label,
                database=sub.context.database_alias,
                delivered=figures.delivered,
                backlog=pending.pending,
                oldest_pending_seconds=age(pending.oldest_created_at),
                retrying=figures.retrying,
                dead=figures.dead,
            )
        )
    subscriptions.sort(key=lambda flow: (flow.publisher, flow.event_type, flow.name))

    contexts = []
    for context in all_contexts():
        own = [figures for (name, _), figures in backlog.items() if name == context.label]
        oldest = [figures.oldest_created_at for figures in own if figures.oldest_created_at]
        contexts.append(
            ContextFlow(
                name=context.label,
                database=context.database_alias,
                transport=context.transport,
                publishes=tuple(
                    spec.type for spec in all_event_specs() if spec.context == context.label
                ),
                subscribes=tuple(
                    flow.name for flow in subscriptions if flow.subscriber == context.label
                ),
                outbox_pending=sum(figures.pending for figures in own),
                oldest_pending_seconds=age(min(oldest, default=None)),
            )
        )
    return FlowMap(
        taken_at=now,
        contexts=tuple(contexts),
        subscriptions=tuple(subscriptions),
        unreadable_databases=tuple(unreadable),
    )
