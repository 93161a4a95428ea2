"""`manage.py expire_reservations`: the expiry job without Celery (embedded mode, cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from contexts.inventory import services


class Command(BaseCommand):
    help = "Release stock reservations whose deadline has passed (safe to run at any time)."

    def handle(self, *args: Any, **options: Any) -> None:
        expired = 0
        while True:
            batch = services.reservations_expire(now=timezone.now())
            expired += batch
            if batch < services.EXPIRY_BATCH:
                break
        self.stdout.write(f"inventory: {expired} reservation(s) expired")
