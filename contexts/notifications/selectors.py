"""Reads of the notifications context."""

from __future__ import annotations

from uuid import UUID

from django.db.models import QuerySet

from contexts.notifications.models import Notification


def notification_list(*, recipient_id: UUID) -> QuerySet[Notification]:
    """What was (or will be) sent to this person, newest first."""
    return Notification.objects.filter(recipient_id=recipient_id).order_by("-created_at", "-id")
