"""Admin for the outbox and the inbox: look at the event flow, replay dead letters."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from modulith.admin_helpers import ReadOnlyModelAdmin
from modulith.deadletters import replay_dead_letters
from modulith.models import InboxMessage, InboxStatus, OutboxMessage


class PendingFilter(admin.SimpleListFilter):
    title = "dispatch"
    parameter_name = "dispatch"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("pending", "pending"), ("dispatched", "dispatched")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "pending":
            return queryset.filter(dispatched_at__isnull=True)
        if self.value() == "dispatched":
            return queryset.filter(dispatched_at__isnull=False)
        return queryset


class ReadOnlyAdmin(ReadOnlyModelAdmin):
    """Rows are written by the kernel only; the admin looks, replays, and may delete."""

    has_delete_permission = admin.ModelAdmin.has_delete_permission


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "event_type",
        "source_context",
        "created_at",
        "dispatched_at",
        "dispatch_attempts",
    ]
    list_filter = [PendingFilter, "source_context", "event_type"]
    search_fields = ["id", "event_type"]
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in OutboxMessage._meta.fields]


@admin.register(InboxMessage)
class InboxMessageAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "subscription",
        "event_type",
        "status",
        "attempts",
        "next_attempt_at",
        "received_at",
        "processed_at",
    ]
    list_filter = ["status", "subscription", "event_type"]
    search_fields = ["event_id", "subscription", "last_error"]
    date_hierarchy = "received_at"
    readonly_fields = [field.name for field in InboxMessage._meta.fields]
    actions = ["replay"]

    @admin.action(description="Replay the selected dead letters", permissions=["replay"])
    def replay(self, request: HttpRequest, queryset: QuerySet[InboxMessage]) -> None:
        dead = list(queryset.filter(status=InboxStatus.DEAD).values_list("id", flat=True))
        skipped = queryset.count() - len(dead)
        replayed = replay_dead_letters(ids=dead, databases=[queryset.db]) if dead else 0
        self.message_user(request, f"Replayed {replayed} dead letter(s).", messages.SUCCESS)
        if skipped:
            self.message_user(
                request, f"Skipped {skipped} row(s) that are not dead letters.", messages.WARNING
            )

    def has_replay_permission(self, request: HttpRequest) -> bool:
        # Replaying runs handlers again: as strong as editing the inbox.
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")
