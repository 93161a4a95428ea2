"""The expiry job: as a Celery task, as a periodic schedule, and as a management command."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from contexts.inventory import services, tasks
from contexts.inventory.models import Reservation, ReservationStatus
from tests.inventory.factories import StockItemFactory


def overdue_reservation() -> Reservation:
    StockItemFactory(sku="SKU-A", on_hand=5)
    return services.reservation_place(
        order_id=uuid.uuid4(), lines=[("SKU-A", 1)], now=timezone.now() - timedelta(days=1)
    )


def test_the_expiry_task_is_scheduled_every_minute_under_its_own_name() -> None:
    [(name, task, every_seconds)] = tasks.periodic_tasks()

    assert name == task.name == "inventory.expire_reservations"
    assert every_seconds == 60


@pytest.mark.django_db
def test_the_expiry_task_expires_overdue_reservations() -> None:
    reservation = overdue_reservation()

    expired = tasks.expire_reservations.run()

    assert expired == 1
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.EXPIRED


@pytest.mark.django_db
def test_the_expiry_command_expires_overdue_reservations_and_says_how_many() -> None:
    reservation = overdue_reservation()
    out = io.StringIO()

    call_command("expire_reservations", stdout=out)

    assert out.getvalue() == "inventory: 1 reservation(s) expired\n"
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.EXPIRED
