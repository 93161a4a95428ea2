"""Drill: payments leaves for a service of its own by choosing the `payments` topology.

An order placed through the generated gateway still goes through the whole saga, and payments'
rows, outbox and inbox are found in its own database and nowhere else, while the contexts it
talks to keep theirs in the shop's. The shop service refuses payments' routes with a problem that
names the service to ask, and payments' database holds payments' tables and the kernel's only.
"""

from __future__ import annotations

import os

import httpx
import pytest

from tests.drills.conftest import Deployment
from tests.e2e.scenarios import placed
from tests.e2e.shop import Shop, unique_sku
from tests.support.auth import BearerFactory
from tests.support.problems import assert_problem_type

pytestmark = [
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
    assert {
        table
        for table in own.tables()
        if not table.startswith(("payments_", "modulith_")) and table != "django_migrations"
    } == set()
    assert {"payments_payment", "modulith_outboxmessage", "modulith_inboxmessage"} <= own.tables()
    # The shop service refuses payments' routes with a problem naming the service to ask
    # (one deployment for both checks: starting it costs most of the drill's time).
    misdirected = httpx.get(f"{payments_extracted.shop_url}/api/payments/methods/", timeout=10)
    assert misdirected.status_code == 421
    assert_problem_type(misdirected)
    assert misdirected.json()["service"] == "payments"
    assert payments_extracted.payments_url in misdirected.json()["detail"]
    # The payments service serves neither the other contexts nor the admin.
    payments_service = payments_extracted.payments_url
    assert httpx.get(f"{payments_service}/api/orders/", timeout=10).status_code == 421
    assert httpx.get(f"{payments_service}/admin/", timeout=10).status_code == 404
    # Through the gateway, each path reaches its service; the internal api stays closed.
    gateway = payments_extracted.base_url
    assert httpx.get(f"{gateway}/api/payments/methods/", timeout=10).status_code == 401
    assert httpx.get(f"{gateway}/internal/api/payments/x/", timeout=10).status_code == 404
