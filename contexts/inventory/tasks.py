"""Inventory's periodic work. Thin and idempotent: a run finds due reservations by state."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.utils import timezone

from contexts.inventory import services

EXPIRE_RESERVATIONS = "inventory.expire_reservations"
EXPIRE_EVERY_SECONDS = 60


@shared_task(name=EXPIRE_RESERVATIONS, acks_late=True, ignore_result=True)
def expire_reservations() -> int:
    """Release reservations past their deadline; returns how many expired."""
    return services.reservations_expire(now=timezone.now())


def periodic_tasks() -> list[tuple[str, Any, int]]:
    """(schedule name, task, interval in seconds) for the single beat to register."""
    return [(EXPIRE_RESERVATIONS, expire_reservations, EXPIRE_EVERY_SECONDS)]
