"""The outbox (in the publisher's database) and the inbox (in the subscriber's database)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class OutboxMessage(models.Model):
    """An event committed together with the state change that produced it, awaiting dispatch."""

    id = models.UUIDField(primary_key=True, help_text="The event id (CloudEvents `id`).")
    event_type = models.CharField(max_length=200, db_index=True)
    source_context = models.CharField(max_length=100)
    envelope = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    # A pending row is claimable by a relay from this time on. publish() sets it a short grace
    # ahead, so the publishing process can dispatch right after commit without a relay racing
    # it; a claim pushes it by a lease, a failed dispatch by a backoff. If the process holding
    # the row dies, the time simply passes and another relay takes over.
    available_at = models.DateTimeField(default=timezone.now)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    dispatch_attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [
            # The relay scans only the pending rows, in the order they become claimable.
            models.Index(
                fields=["available_at"],
                name="outbox_claimable_idx",
                condition=models.Q(dispatched_at__isnull=True),
            ),
            models.Index(fields=["dispatched_at"], name="outbox_dispatched_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.id}"


class InboxStatus(models.TextChoices):
    # Only ever seen inside the delivering transaction: a committed row is one of the others.
    PENDING = "pending", "pending"
    PROCESSED = "processed", "processed"
    RETRYING = "retrying", "retrying"
    DEAD = "dead", "dead letter"


class InboxMessage(models.Model):
    """One event as seen by one subscription: processed once, retried, or dead-lettered."""

    subscription = models.CharField(max_length=200)
    event_id = models.UUIDField()
    event_type = models.CharField(max_length=200)
    envelope = models.JSONField()
    status = models.CharField(
        max_length=16, choices=InboxStatus.choices, default=InboxStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    traceback = models.TextField(blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)
    replay_count = models.PositiveIntegerField(
        default=0, help_text="How many times an operator replayed this dead letter."
    )
    # Written by the failure path only, which saves the row anyway: a success costs nothing more.
    failures = models.JSONField(
        default=list,
        blank=True,
        help_text="The latest failed attempts, oldest first: when, which attempt, the error.",
    )

    class Meta:
        ordering = ["received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "event_id"], name="inbox_once_per_subscription"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="inbox_status_due_idx"),
            models.Index(fields=["processed_at"], name="inbox_processed_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.subscription} ← {self.event_type} {self.event_id} ({self.status})"
