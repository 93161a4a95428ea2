"""Orders' handlers are made from a table (contexts/orders/handlers.py): each keeps the durable
name its subscription is known by, and a use case that asks for a field its event does not
carry fails when the module loads, not when the first event arrives."""

from __future__ import annotations

from uuid import UUID

import pytest

from contexts.inventory.events import StockReserved
from contexts.orders.handlers import REPORTS, recorder
from modulith.events.subscriptions import all_subscriptions

# Inbox rows and dead letters are keyed by these names: they never change.
DURABLE_NAMES = {
    "orders.on_stock_reserved",
    "orders.on_stock_reservation_failed",
    "orders.on_stock_reservation_expired",
    "orders.on_stock_released",
    "orders.on_payment_authorized",
    "orders.on_payment_failed",
    "orders.on_payment_captured",
    "orders.on_payment_voided",
    "orders.on_payment_refunded",
    "orders.on_shipment_dispatched",
    "orders.on_shipment_delivered",
}


def test_every_report_has_its_durable_subscription_name() -> None:
    subscriptions = [sub for sub in all_subscriptions() if sub.context_label == "orders"]

    assert {sub.name for sub in subscriptions} == DURABLE_NAMES
    assert {sub.event_class for sub in subscriptions} == set(REPORTS)


def test_a_use_case_may_ask_only_for_fields_its_event_carries() -> None:
    def record(*, order_id: UUID, tracking_number: str) -> None: ...

    with pytest.raises(TypeError, match="takes tracking_number, which StockReserved does not"):
        recorder(StockReserved, record)
