"""Events published by the notifications context."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from modulith import event


@event("shop.notifications.notification.sent.v1", subject="notification_id")
class NotificationSent:
    notification_id: UUID
    recipient_id: UUID
    channel: str  # "email"
    template: str  # e.g. "order_confirmed"
    cause_event_id: UUID
    sent_at: datetime
