"""The event kernel's health as Prometheus gauges, computed from the database at scrape time.

Per database alias (where the rows live) it exposes:

- modulith_outbox_pending{database, context}: outbox rows not dispatched yet, per publisher;
- modulith_outbox_oldest_pending_age_seconds{database, context}: how long the oldest of them
  has waited (0 when none): the relay is behind, or the broker is down, when this grows;
- modulith_inbox_delivered{database, subscription}: deliveries processed and not purged yet
  (INBOX_RETENTION_DAYS);
- modulith_inbox_retrying{database, subscription}: deliveries waiting for a retry;
- modulith_inbox_dead_letters{database, subscription}: deliveries an operator must look at
  (`manage.py events dead`, then `events replay`);
- modulith_metrics_database_up{database}: 0 when the scrape could not read that database.

Every publishing context and every subscription gets a series, 0 when it has no rows, so
alerts and dashboards never meet a missing series. The numbers come from the database, not from
process memory, so every web process answers the same and gunicorn's several workers need no
multiprocess mode. Each alias costs two aggregate queries, however many rows there are. The
admin's event flow page (modulith.ops.flow) shows the same figures per subscription.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

from django.db import DatabaseError
from django.db.models import Count, Min, Q
from django.utils import timezone
from prometheus_client import CollectorRegistry
from prometheus_client.exposition import choose_encoder
from prometheus_client.metrics_core import GaugeMetricFamily, Metric

from modulith.contexts.registry import all_contexts, database_aliases
from modulith.events.declaration import all_event_specs
from modulith.events.subscriptions import all_subscriptions
from modulith.models import InboxMessage, InboxStatus, OutboxMessage

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class OutboxBacklog:
    pending: int = 0
    oldest_created_at: datetime | None = None


@dataclass(frozen=True)
class InboxCounts:
    delivered: int = 0
    retrying: int = 0
    dead: int = 0


def outbox_backlog_by_type(alias: str) -> dict[tuple[str, str], OutboxBacklog]:
    """Pending outbox rows on `alias` per (publishing context, event type): one query."""
    rows = (
        OutboxMessage.objects.using(alias)
        .filter(dispatched_at__isnull=True)
        .values("source_context", "event_type")
        .annotate(pending=Count("id"), oldest=Min("created_at"))
        # The model's default ordering would join the GROUP BY and split the groups.
        .order_by()
    )
    return {
        (row["source_context"], row["event_type"]): OutboxBacklog(
            pending=row["pending"], oldest_created_at=row["oldest"]
        )
        for row in rows
    }


def outbox_backlog(by_type: dict[tuple[str, str], OutboxBacklog]) -> dict[str, OutboxBacklog]:
    """The per-type backlog summed per publishing context."""
    per_context: dict[str, OutboxBacklog] = {}
    for (context, _), figures in by_type.items():
        total = per_context.get(context, OutboxBacklog())
        oldest = [at for at in (total.oldest_created_at, figures.oldest_created_at) if at]
        per_context[context] = OutboxBacklog(
            pending=total.pending + figures.pending, oldest_created_at=min(oldest, default=None)
        )
    return per_context


def inbox_counts(alias: str) -> dict[str, InboxCounts]:
    """Delivered, retrying and dead inbox rows on `alias` per subscription: one query."""
    rows = (
        InboxMessage.objects.using(alias)
        .values("subscription")
        .annotate(
            delivered=Count("id", filter=Q(status=InboxStatus.PROCESSED)),
            retrying=Count("id", filter=Q(status=InboxStatus.RETRYING)),
            dead=Count("id", filter=Q(status=InboxStatus.DEAD)),
        )
        .order_by()
    )
    return {
        row["subscription"]: InboxCounts(
            delivered=row["delivered"], retrying=row["retrying"], dead=row["dead"]
        )
        for row in rows
    }


class KernelCollector:
    """A prometheus_client collector: queries the database on every collect()."""

    def __init__(self, now: Callable[[], datetime] = timezone.now) -> None:
        self._now = now

    def collect(self) -> Iterator[Metric]:
        by_context = ["database", "context"]
        by_subscription = ["database", "subscription"]
        pending = GaugeMetricFamily(
            "modulith_outbox_pending", "Outbox rows not dispatched yet.", labels=by_context
        )
        oldest = GaugeMetricFamily(
            "modulith_outbox_oldest_pending_age_seconds",
            "Age of the oldest outbox row not dispatched yet (0 when none).",
            labels=by_context,
        )
        delivered = GaugeMetricFamily(
            "modulith_inbox_delivered",
            "Deliveries processed and not purged yet.",
            labels=by_subscription,
        )
        retrying = GaugeMetricFamily(
            "modulith_inbox_retrying", "Deliveries waiting for a retry.", labels=by_subscription
        )
        dead = GaugeMetricFamily(
            "modulith_inbox_dead_letters",
            "Dead letters: deliveries that need an operator.",
            labels=by_subscription,
        )
        up = GaugeMetricFamily(
            "modulith_metrics_database_up",
            "1 when this scrape could read the database, else 0.",
            labels=["database"],
        )
        now = self._now()
        for alias in database_aliases():
            try:
                backlog = outbox_backlog(outbox_backlog_by_type(alias))
                counts_by_subscription = inbox_counts(alias)
            except DatabaseError:
                # One unreachable database must not blank the others' figures.
                logger.warning("metrics: cannot read database %s", alias, exc_info=True)
                up.add_metric([alias], 0)
                continue
            up.add_metric([alias], 1)
            for context in sorted(_publishers_on(alias) | set(backlog)):
                figures = backlog.get(context, OutboxBacklog())
                pending.add_metric([alias, context], figures.pending)
                age = (
                    (now - figures.oldest_created_at).total_seconds()
                    if figures.oldest_created_at
                    else 0.0
                )
                oldest.add_metric([alias, context], max(age, 0.0))
            for subscription in sorted(_subscriptions_on(alias) | set(counts_by_subscription)):
                counts = counts_by_subscription.get(subscription, InboxCounts())
                delivered.add_metric([alias, subscription], counts.delivered)
                retrying.add_metric([alias, subscription], counts.retrying)
                dead.add_metric([alias, subscription], counts.dead)
        yield from (pending, oldest, delivered, retrying, dead, up)


def _publishers_on(alias: str) -> set[str]:
    publishers = {spec.context for spec in all_event_specs()}
    return {
        context.label
        for context in all_contexts()
        if context.label in publishers and context.database_alias == alias
    }


def _subscriptions_on(alias: str) -> set[str]:
    return {sub.name for sub in all_subscriptions() if sub.context.database_alias == alias}


def exposition(accept: str = "") -> tuple[bytes, str]:
    """The metrics in the format the scraper's Accept header asks for, and its content type
    (Prometheus text format by default, OpenMetrics when asked)."""
    # A registry of our own, not prometheus_client's global one: its process and GC figures
    # would describe whichever web worker happened to answer the scrape.
    registry = CollectorRegistry()
    registry.register(KernelCollector())
    encoder, content_type = choose_encoder(accept)
    return encoder(registry), content_type
