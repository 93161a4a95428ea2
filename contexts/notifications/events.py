"""Events published by the notifications context."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from modulith import event


@event("shop.notifications.notification.sent.v1", subject="notification_id")
@dataclass(frozen=True)
class NotificationSent:
    notification_id: UUID
    recipient_id: UUID
    channel: str  # "email"
    template: str  # e.g. "order_confirmed"
    cause_event_id: UUID
    sent_at: datetime
