"""The order saga end to end, written once for every topology.

A scenario drives the shop over HTTP and waits for the outcome; it never assumes when events
are delivered. A topology (in-process events, Celery workers, ...) supplies what differs between
deployments: where sent emails can be seen, how to hold the payments context back, and the
circuit breaker settings its payments context runs with. test_saga_*.py run the scenarios in
one topology each.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from tests.e2e.shop import Customer, Shop, expect, unique_sku
from tests.e2e.topologies import Topology
from tests.support.problems import assert_problem_type
from tests.support.waiting import wait_until


def placed(customer: Customer, lines: dict[str, int], card: str) -> str:
    order = expect(customer.place_order(lines, card), 201)
    assert order["status"] == "pending"
    return str(order["id"])


def stock_becomes(shop: Shop, sku: str, **expected: int) -> dict[str, int]:
    last: dict[str, int] = {}

    def probe() -> dict[str, int] | None:
        last.update(shop.stock(sku))
        return dict(last) if all(last[key] == value for key, value in expected.items()) else None

    try:
        return wait_until(probe, timeout=shop.timeout, what=f"stock of {sku} to be {expected}")
    except AssertionError as waiting:
        raise AssertionError(f"{waiting}; it is {last}") from None


# --- Scenarios ----------------------------------------------------------------------------------


def happy_path(shop: Shop, topology: Topology) -> None:
    """Confirmed, paid, stock taken, and the customer hears about it."""
    sku = unique_sku("MUG")
    shop.add_product(sku, "12.50", stock=10, weight_grams=400)
    ada = shop.register_customer("Ada")
    card = ada.add_card("tok_visa")

    order_id = placed(ada, {sku: 2}, card)

    order = ada.wait_for_order(
        order_id,
        lambda o: o["status"] == "confirmed" and o["payment_status"] == "captured",
        "the order to be confirmed and its payment captured",
    )
    assert (order["subtotal"], order["shipping_cost"], order["total"]) == ("25.00", "4.90", "29.90")
    assert order["stock_status"] == "reserved"
    stock_becomes(shop, sku, on_hand=8, reserved=0, available=8)
    wait_until(
        lambda: any(
            order_id in subject and "confirmed" in subject
            for subject in topology.emails_to(ada.email)
        ),
        timeout=shop.timeout,
        what=f"the order confirmation email to {ada.email}",
    )


def out_of_stock(shop: Shop, topology: Topology) -> None:
    """Rejected for stock; nothing stays reserved and the authorization is voided."""
    plenty, scarce = unique_sku("PEN"), unique_sku("INK")
    shop.add_product(plenty, "2.00", stock=50)
    shop.add_product(scarce, "9.00", stock=1)
    bob = shop.register_customer("Bob")
    card = bob.add_card("tok_visa")

    order_id = placed(bob, {plenty: 3, scarce: 2}, card)

    order = bob.settled_order(order_id)
    assert order["status"] == "rejected"
    assert order["rejection_reason"] == "out_of_stock"
    assert scarce in order["rejection_detail"]
    # Payments voids an authorization it made; if the rejection overtook the order it leaves
    # a hidden tombstone so that it never authorizes. Either way no money stays held.
    wait_until(
        lambda: not set(bob.payment_statuses(order_id)) & {"pending", "authorized", "captured"},
        timeout=shop.timeout,
        what="no payment to hold money for the rejected order",
    )
    stock_becomes(shop, plenty, on_hand=50, reserved=0, available=50)
    stock_becomes(shop, scarce, on_hand=1, reserved=0, available=1)


def declined_card(shop: Shop, topology: Topology) -> None:
    """Rejected for payment; the reservation inventory made is released."""
    sku = unique_sku("LAMP")
    shop.add_product(sku, "45.00", stock=4)
    cleo = shop.register_customer("Cleo")
    card = cleo.add_card("tok_declined")

    order_id = placed(cleo, {sku: 3}, card)

    order = cleo.settled_order(order_id)
    assert (order["status"], order["rejection_reason"]) == ("rejected", "payment_declined")
    assert order["payment_status"] == "failed"
    cleo.wait_for_order(
        order_id, lambda o: o["stock_status"] == "released", "the reservation to be released"
    )
    stock_becomes(shop, sku, on_hand=4, reserved=0, available=4)


def provider_outage_trips_the_breaker(shop: Shop, topology: Topology) -> None:
    """A hanging provider rejects orders (payment_unavailable) until the breaker opens; then
    orders fail fast without waiting for the provider; once the breaker's reset time has passed
    a healthy call closes it and orders are confirmed again."""
    breaker = topology.breaker
    sku = unique_sku("CUP")
    shop.add_product(sku, "5.00", stock=100)
    dora = shop.register_customer("Dora")
    hanging, healthy = dora.add_card("tok_unavailable"), dora.add_card("tok_visa")

    for _ in range(breaker.fail_max):
        order = dora.settled_order(placed(dora, {sku: 1}, hanging))
        assert (order["status"], order["rejection_reason"]) == ("rejected", "payment_unavailable")

    order = dora.settled_order(placed(dora, {sku: 1}, healthy))
    assert (order["status"], order["rejection_reason"]) == ("rejected", "payment_unavailable")
    # The open breaker answered at once; the provider was not even asked.
    assert "failing" in order["rejection_detail"], order["rejection_detail"]

    time.sleep(breaker.reset_seconds + 0.2)
    order = dora.settled_order(placed(dora, {sku: 1}, healthy))
    assert order["status"] == "confirmed", order
    stock_becomes(shop, sku, reserved=0)


def cancel_refunds_and_restocks(shop: Shop, topology: Topology) -> None:
    """A confirmed order cancelled before dispatch: refunded, restocked, emailed."""
    sku = unique_sku("BOOK")
    shop.add_product(sku, "30.00", stock=3)
    eve = shop.register_customer("Eve")
    card = eve.add_card("tok_visa")
    order_id = placed(eve, {sku: 2}, card)
    eve.wait_for_order(
        order_id,
        lambda o: o["status"] == "confirmed" and o["payment_status"] == "captured",
        "the order to be confirmed and captured",
    )
    stock_becomes(shop, sku, on_hand=1, reserved=0)

    cancelled = expect(eve.cancel(order_id), 200)

    assert cancelled["status"] == "cancelled"
    eve.wait_for_order(
        order_id,
        lambda o: o["payment_status"] == "refunded",
        "the payment to be refunded",
    )
    stock_becomes(shop, sku, on_hand=3, reserved=0, available=3)
    wait_until(
        lambda: any(
            order_id in subject and "cancelled" in subject
            for subject in topology.emails_to(eve.email)
        ),
        timeout=shop.timeout,
        what="the cancellation email",
    )


def dispatched_order_cannot_be_cancelled(shop: Shop, topology: Topology) -> None:
    """Once shipping dispatches the parcel the order is shipped, then delivered; a cancel is
    refused with 409 and changes nothing."""
    sku = unique_sku("CHAIR")
    shop.add_product(sku, "80.00", stock=2, weight_grams=4000)
    finn = shop.register_customer("Finn")
    card = finn.add_card("tok_visa")
    order_id = placed(finn, {sku: 1}, card)
    finn.wait_for_order(order_id, lambda o: o["status"] == "confirmed", "the confirmation")
    shipment = shop.shipment_of(order_id)

    shop.dispatch(shipment["id"])

    shipped = finn.wait_for_order(order_id, lambda o: o["status"] == "shipped", "the dispatch")
    assert shipped["tracking_number"] == shipment["tracking_number"]
    refused = finn.cancel(order_id)
    assert refused.status_code == 409, refused.text
    assert_problem_type(refused)
    shop.deliver(shipment["id"])
    finn.wait_for_order(order_id, lambda o: o["status"] == "delivered", "the delivery")


def reservation_expiry_rejects(shop: Shop, topology: Topology) -> None:
    """Stock reserved but the payment still undecided when the reservation expires: the order
    is rejected, the stock is free again, and the authorization that arrives late is voided."""
    from contexts.inventory import services as inventory  # no HTTP lever: it is a timed job

    sku = unique_sku("VASE")
    shop.add_product(sku, "15.00", stock=2)
    gus = shop.register_customer("Gus")
    card = gus.add_card("tok_visa")

    with topology.payments_paused():
        order_id = placed(gus, {sku: 2}, card)
        gus.wait_for_order(order_id, lambda o: o["stock_status"] == "reserved", "the reservation")
        assert gus.order(order_id)["status"] == "pending"

        inventory.reservations_expire(now=timezone.now() + timedelta(days=1))

        order = gus.wait_for_order(order_id, lambda o: o["status"] != "pending", "the expiry")
        assert (order["status"], order["rejection_reason"]) == ("rejected", "reservation_expired")
        stock_becomes(shop, sku, on_hand=2, reserved=0, available=2)

    order = gus.wait_for_order(
        order_id, lambda o: o["payment_status"] == "voided", "the late authorization's void"
    )
    assert order["status"] == "rejected"


def last_units_under_a_rush(
    shop: Shop, topology: Topology, *, buyers: int = 20, units: int = 5
) -> None:
    """More buyers than units, all at once: exactly `units` orders are confirmed, the rest are
    rejected for stock, and availability never goes below zero."""
    sku = unique_sku("GPU")
    shop.add_product(sku, "499.00", stock=units)
    customers = [shop.anonymous_customer() for _ in range(buyers)]
    cards = [customer.add_card("tok_visa") for customer in customers]
    start = threading.Barrier(buyers)
    lowest = LowestAvailability(shop, sku)

    def buy(index: int) -> str:
        start.wait()
        return placed(customers[index], {sku: 1}, cards[index])

    with lowest.watching(), ThreadPoolExecutor(max_workers=buyers) as pool:
        order_ids = list(pool.map(buy, range(buyers)))
        orders = [
            customer.settled_order(order_id)
            for customer, order_id in zip(customers, order_ids, strict=True)
        ]

    statuses = [order["status"] for order in orders]
    assert statuses.count("confirmed") == units, statuses
    assert statuses.count("rejected") == buyers - units, statuses
    assert {order["rejection_reason"] for order in orders if order["status"] == "rejected"} == {
        "out_of_stock"
    }
    assert lowest.seen >= 0
    stock_becomes(shop, sku, on_hand=0, reserved=0, available=0)
    assert sum(
        Decimal(order["total"]) for order in orders if order["status"] == "confirmed"
    ) == units * Decimal("503.90")


class LowestAvailability:
    """Polls a sku's availability in the background and remembers the lowest value seen."""

    def __init__(self, shop: Shop, sku: str) -> None:
        self.shop = shop
        self.sku = sku
        self.seen = shop.available(sku)
        self._stop = threading.Event()

    def _watch(self) -> None:
        while not self._stop.is_set():
            self.seen = min(self.seen, self.shop.available(self.sku))

    @contextmanager
    def watching(self) -> Iterator[None]:
        thread = threading.Thread(target=self._watch, daemon=True)
        thread.start()
        try:
            yield
        finally:
            self._stop.set()
            thread.join(timeout=10)


SCENARIOS: dict[str, Callable[[Shop, Topology], Any]] = {
    scenario.__name__: scenario
    for scenario in (
        happy_path,
        out_of_stock,
        declined_card,
        provider_outage_trips_the_breaker,
        cancel_refunds_and_restocks,
        dispatched_order_cannot_be_cancelled,
        reservation_expiry_rejects,
    )
}
