"""Drill: payments leaves for a database and a worker of its own, by configuration alone.

The rest of the shop runs as the e2e Celery topology does. An order placed over HTTP still goes
through the whole saga, and payments' rows, outbox and inbox are found in its own database and
nowhere else, while the contexts it talks to keep theirs in the default one.
"""

from __future__ import annotations

import os

import pytest

from tests.drills.conftest import Deployment
from tests.e2e.scenarios import placed
from tests.e2e.shop import Shop, unique_sku
from tests.support.auth import BearerFactory

pytestmark = [
    pytest.mark.slow,
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

AUTHORIZED = "shop.payments.payment.authorized.v1"
CAPTURED = "shop.payments.payment.captured.v1"
PROCESSED = "processed"


def test_with_payments_on_its_own_database_and_worker_an_order_is_still_confirmed(
    payments_extracted: Deployment, bearer: BearerFactory
) -> None:
    shop = Shop(
        base_url=payments_extracted.base_url,
        timeout=float(os.environ.get("E2E_CELERY_TIMEOUT", 45)),
        bearer=bearer,
    )
    sku = unique_sku("MUG")
    shop.add_product(sku, "12.50", stock=10)
    ada = shop.register_customer("Ada")
    card = ada.add_card("tok_visa")

    order_id = placed(ada, {sku: 2}, card)

    order = ada.wait_for_order(
        order_id,
        lambda o: o["status"] == "confirmed" and o["payment_status"] == "captured",
        "the order to be confirmed and its payment captured",
    )
    assert order["total"] == "29.90"
    assert ada.payment_statuses(order_id) == ["captured"]
    own, default = payments_extracted.payments, payments_extracted.default
    # Payments' rows are in its database only.
    assert own.payment_statuses(order_id) == ["captured"]
    assert own.has_payment_method(card)
    assert default.payment_statuses(order_id) == []
    assert not default.has_payment_method(card)
    # Its outbox and inbox followed it; orders' stayed in the default database.
    assert {("payments", AUTHORIZED), ("payments", CAPTURED)} <= own.outbox(order_id)
    assert {context for context, _ in own.outbox(order_id)} == {"payments"}
    published_by_default = {context for context, _ in default.outbox(order_id)}
    assert "orders" in published_by_default
    assert "payments" not in published_by_default
    assert {
        ("payments.on_order_placed", PROCESSED),
        ("payments.on_order_confirmed", PROCESSED),
    } <= own.inbox(order_id)
    own_subscribers = {subscription.split(".")[0] for subscription, _ in own.inbox(order_id)}
    assert own_subscribers == {"payments"}
    default_subscribers = {
        subscription.split(".")[0] for subscription, _ in default.inbox(order_id)
    }
    assert "orders" in default_subscribers
    assert "payments" not in default_subscribers
    # Only payments' tables (and modulith's outbox and inbox) were migrated there.
    assert "orders_order" not in own.tables()
