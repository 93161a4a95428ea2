"""The notification log for support staff ("did the customer get our email?"). Read-only:
rows change only by sending. A failed notification can be queued to be sent again."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from contexts.notifications import services
from contexts.notifications.models import Notification
from modulith.contexts.admin import ReadOnlyModelAdmin


@admin.register(Notification)
class NotificationAdmin(ReadOnlyModelAdmin):
    list_display = ("created_at", "template", "email", "status", "attempts", "sent_at")
    list_filter = ("status", "template", "channel")
    search_fields = ("=id", "=recipient_id", "=cause_event_id", "email")
    ordering = ("-created_at",)
    actions = ["send_again"]

    @admin.action(description="Send failed notifications again (the sweeper picks them up)")
    def send_again(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        count = services.notification_retry_failed(
            notification_ids=list(queryset.values_list("id", flat=True))
        )
        self.message_user(request, f"{count} notification(s) queued again.", messages.SUCCESS)
