"""Celery tasks of notifications. Thin and idempotent: the log decides what still needs sending."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from contexts.notifications import services

SEND_DUE_TASK = "notifications.send_due"


@shared_task(name=SEND_DUE_TASK, ignore_result=True)
def send_due_notifications() -> int:
    """Run every minute or so (celery beat): sends notifications whose send after commit never
    ran or failed, once their lease or backoff is over."""
    return services.notification_send_due()


def periodic_tasks() -> list[tuple[str, Any, int]]:
    """(schedule name, task, interval in seconds) for the single beat to register."""
    return [(SEND_DUE_TASK, send_due_notifications, 60)]
