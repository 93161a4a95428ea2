"""The log of notifications: one row per (cause event, recipient), whatever the redeliveries.

The row is reserved before anything is sent, with its template and what to fill it with; the
first send addresses and renders it and the row keeps that message, so every retry sends the
same one from the log alone.
"""

from __future__ import annotations

import uuid

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from modulith.contexts.choices import Codes


class NotificationStatus(Codes):
    PENDING = "pending"  # reserved, not sent yet (or sending failed and will retry)
    SENT = "sent"
    FAILED = "failed"  # gave up after repeated sending failures
    SKIPPED = "skipped"  # nobody to send to (e.g. the account no longer exists)


class Notification(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    recipient_id = models.UUIDField()
    email = models.EmailField(blank=True)
    channel = models.CharField(max_length=16, default="email")
    template = models.CharField(max_length=64)
    cause_event_id = models.UUIDField(help_text="The id of the event this notification answers.")
    context = models.JSONField(
        default=dict,
        blank=True,
        encoder=DjangoJSONEncoder,
        help_text="What the template is filled with (plus the recipient's name) when first sent.",
    )
    status = models.CharField(
        max_length=16, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    subject = models.CharField(max_length=200, blank=True)
    body_text = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # A sender owns a pending row until then; after that (it crashed, or a failure's backoff
    # ran out) the sweeper may send it.
    claimed_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cause_event_id", "recipient_id"], name="notification_once_per_cause"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient_id", "-created_at"], name="notification_recipient_idx"),
            models.Index(
                fields=["created_at"],
                name="notification_pending_idx",
                condition=models.Q(status="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template} to {self.email or self.recipient_id} ({self.status})"

    @property
    def has_message(self) -> bool:
        """Addressed and rendered: ready to send as it is (the send step does both once)."""
        return bool(self.email and self.body_text)
