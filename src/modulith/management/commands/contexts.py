"""`manage.py contexts`: every bounded context, where it runs, what it publishes and hears."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from modulith.contexts.registry import ContextConfig, all_contexts
from modulith.events.declaration import all_event_specs
from modulith.events.subscriptions import all_subscriptions
from modulith.models import InboxMessage, InboxStatus, OutboxMessage


class Command(BaseCommand):
    help = (
        "List every context with its transport, database alias, queue, the events it "
        "publishes, its subscriptions, and its outbox and inbox backlog."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for context in all_contexts():
            self._describe(context)

    def _describe(self, context: ContextConfig) -> None:
        publishes = [spec.type for spec in all_event_specs() if spec.context == context.label]
        subscriptions = [sub for sub in all_subscriptions() if sub.context_label == context.label]
        alias = context.database_alias
        outbox_backlog = (
            OutboxMessage.objects.using(alias)
            .filter(source_context=context.label, dispatched_at__isnull=True)
            .count()
        )
        inbox = InboxMessage.objects.using(alias).filter(
            subscription__in=[sub.name for sub in subscriptions]
        )
        retrying = inbox.filter(status=InboxStatus.RETRYING).count()
        dead = inbox.filter(status=InboxStatus.DEAD).count()

        write = self.stdout.write
        write(self.style.MIGRATE_HEADING(f"{context.label}  ({context.verbose_name})"))
        write(f"  transport:  {context.transport}")
        write(f"  database:   {alias}")
        write(f"  queue:      {context.queue}")
        if context.remote_url:
            write(f"  remote api: {context.remote_url}")
        write(f"  publishes:  {len(publishes)}")
        for event_type in publishes:
            write(f"    - {event_type}")
        write(f"  subscribes: {len(subscriptions)}")
        for sub in subscriptions:
            write(f"    - {sub.name} <- {sub.event_type}")
        write(f"  outbox backlog: {outbox_backlog} pending")
        write(f"  inbox backlog:  {retrying} retrying, {dead} dead")
