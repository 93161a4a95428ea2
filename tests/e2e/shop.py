"""The shop as its REST clients see it: a staff back office and customers, over real HTTP.

Every step goes through the public HTTP API of the context that owns it. Steps whose effect
arrives later through events (stock for a new product, an order's saga) are polled, so the same
code works whether events are delivered in-process or by Celery workers in other processes.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx

from modulith.http.authentication import Role
from tests.support.auth import BearerFactory
from tests.support.waiting import StillWaiting, wait_until

# The API refuses a larger limit (400); each e2e test starts from empty tables, so one page holds
# everything it created.
LARGEST_PAGE = 100

T = TypeVar("T")

FINAL_STATUSES = frozenset({"confirmed", "rejected", "cancelled", "shipped", "delivered"})
PASSWORD = "a-long-enough-e2e-passphrase-42"


def unique_sku(prefix: str) -> str:
    """Skus of one scenario never collide with another's (the Celery workers outlive tests)."""
    return f"{prefix}-{uuid.uuid4().hex[:8].upper()}"


def expect(response: httpx.Response, *statuses: int) -> Any:
    assert response.status_code in statuses, (
        f"{response.request.method} {response.request.url} answered {response.status_code}: "
        f"{response.text}"
    )
    return response.json() if response.content else None


@dataclass
class Shop:
    base_url: str
    timeout: float  # how long a saga may take to settle in this topology
    bearer: BearerFactory  # signs tokens the way identity does, for people without an account

    def __post_init__(self) -> None:
        # Staff need no account row: their token is all the other contexts ever look at.
        self.staff_authorization = self.bearer(uuid.uuid4(), roles=[Role.STAFF])

    def client(self, authorization: str | None = None) -> httpx.Client:
        headers = {"Authorization": authorization} if authorization else {}
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=30)

    # --- Back office ----------------------------------------------------------------------------

    def add_product(self, sku: str, price: str, *, stock: int, weight_grams: int = 400) -> None:
        """Staff create the product (catalog) and put `stock` units on hand (inventory)."""
        with self.client(self.staff_authorization) as staff:
            expect(
                staff.post(
                    "/api/catalog/products/",
                    json={
                        "sku": sku,
                        "name": sku.title(),
                        "price": price,
                        "weight_grams": weight_grams,
                    },
                ),
                201,
            )
            if stock:
                # Inventory learns about the product from ProductPublished: wait for it.
                wait_until(
                    lambda: (
                        staff.post(
                            f"/api/inventory/stock/{sku}/adjustments/",
                            json={"delta": stock, "reason": "e2e: initial stock"},
                        ).status_code
                        == 201
                    ),
                    timeout=self.timeout,
                    what=f"inventory to track {sku}",
                )

    def stock(self, sku: str) -> dict[str, int]:
        """on_hand, reserved and available of one sku, as staff see it."""
        with self.client(self.staff_authorization) as staff:
            page = expect(staff.get("/api/inventory/stock/", params={"limit": LARGEST_PAGE}), 200)
        (item,) = [item for item in page["results"] if item["sku"] == sku]
        return {key: item[key] for key in ("on_hand", "reserved", "available")}

    def available(self, sku: str) -> int:
        with self.client() as anonymous:
            return int(expect(anonymous.get(f"/api/inventory/stock/{sku}/"), 200)["available"])

    def shipment_of(self, order_id: str) -> dict[str, Any]:
        with self.client(self.staff_authorization) as staff:

            def find() -> dict[str, Any] | None:
                page = expect(
                    staff.get("/api/shipping/shipments/", params={"limit": LARGEST_PAGE}), 200
                )
                return next((s for s in page["results"] if s["order_id"] == order_id), None)

            return wait_until(find, timeout=self.timeout, what=f"a shipment for order {order_id}")

    def dispatch(self, shipment_id: str) -> None:
        with self.client(self.staff_authorization) as staff:
            expect(staff.post(f"/api/shipping/shipments/{shipment_id}/dispatch/"), 200)

    def deliver(self, shipment_id: str) -> None:
        with self.client(self.staff_authorization) as staff:
            expect(staff.post(f"/api/shipping/shipments/{shipment_id}/deliver/"), 200)

    # --- Customers ------------------------------------------------------------------------------

    def register_customer(self, name: str = "Ada") -> Customer:
        """A customer with an account at identity (so notifications can email them)."""
        email = f"{name.lower()}-{uuid.uuid4().hex[:8]}@example.com"
        with self.client() as anonymous:
            registered = expect(
                anonymous.post(
                    "/api/identity/register/",
                    json={"email": email, "password": PASSWORD, "name": name},
                ),
                201,
            )
            tokens = expect(
                anonymous.post("/api/identity/token/", json={"email": email, "password": PASSWORD}),
                200,
            )
        return Customer(
            shop=self,
            id=registered["id"],
            email=email,
            authorization=f"Bearer {tokens['access']}",
        )

    def anonymous_customer(self) -> Customer:
        """A customer known only by a token (no account row, so no email address)."""
        customer_id = uuid.uuid4()
        return Customer(
            shop=self,
            id=str(customer_id),
            email="",
            authorization=self.bearer(customer_id, roles=[Role.CUSTOMER]),
        )


@dataclass
class Customer:
    shop: Shop
    id: str
    email: str
    authorization: str

    def client(self) -> httpx.Client:
        return self.shop.client(self.authorization)

    def add_card(self, token: str = "tok_visa") -> str:
        with self.client() as http:
            return str(
                expect(http.post("/api/payments/methods/", json={"token": token}), 201)["id"]
            )

    def place_order(
        self, lines: dict[str, int], card: str, *, key: str | None = None
    ) -> httpx.Response:
        body = {
            "lines": [{"sku": sku, "quantity": quantity} for sku, quantity in lines.items()],
            "shipping_address": {
                "name": "Ada Lovelace",
                "line1": "Unter den Linden 1",
                "city": "Berlin",
                "postal_code": "10117",
                "country": "DE",
            },
            "payment_method_id": card,
        }
        with self.client() as http:
            return http.post(
                "/api/orders/", json=body, headers={"Idempotency-Key": key or str(uuid.uuid4())}
            )

    def order(self, order_id: str) -> dict[str, Any]:
        with self.client() as http:
            return dict(expect(http.get(f"/api/orders/{order_id}/"), 200))

    def cancel(self, order_id: str) -> httpx.Response:
        with self.client() as http:
            return http.post(f"/api/orders/{order_id}/cancel/")

    def payment_statuses(self, order_id: str) -> list[str]:
        """Statuses of the order's payments as payments shows them to the customer."""
        with self.client() as http:
            page = expect(http.get("/api/payments/", params={"limit": LARGEST_PAGE}), 200)
        return [p["status"] for p in page["results"] if p["order_id"] == order_id]

    def wait_for_order(
        self, order_id: str, check: Callable[[dict[str, Any]], bool], what: str
    ) -> dict[str, Any]:
        last: dict[str, Any] = {}

        def probe() -> dict[str, Any] | None:
            last.update(self.order(order_id))
            return dict(last) if check(last) else None

        try:
            return wait_until(probe, timeout=self.shop.timeout, what=what, interval=0.1)
        except StillWaiting as waiting:
            raise StillWaiting(f"{waiting}; the order is {last}") from None

    def settled_order(self, order_id: str) -> dict[str, Any]:
        return self.wait_for_order(
            order_id, lambda order: order["status"] in FINAL_STATUSES, "the order to settle"
        )
