"""Events published by the orders context. They carry what subscribers need, so nobody has to
call back into orders to react.

Every event names the order and its customer; one that settles the order's contents also
carries its lines and total. Those field groups are written once below. A dataclass puts its
base class's fields first, so the events' fields stay in the order their committed contracts
(contracts/events/) list them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from modulith import event


@dataclass(frozen=True)
class OrderLine:
    sku: str
    quantity: int
    unit_price: Decimal  # snapshotted from the catalog at placement
    line_total: Decimal  # unit_price * quantity


@dataclass(frozen=True)
class ShippingAddress:
    name: str
    line1: str
    line2: str
    city: str
    postal_code: str
    country: str  # ISO 3166-1 alpha-2


@dataclass(frozen=True)
class _OrderFact:
    """Which order, of which customer."""

    order_id: UUID
    customer_id: UUID


@dataclass(frozen=True)
class _OrderContents(_OrderFact):
    """What the order holds and what it comes to."""

    lines: tuple[OrderLine, ...]
    currency: str
    total: Decimal


@event("shop.orders.order.placed.v1", subject="order_id")
class OrderPlaced(_OrderFact):
    """A customer placed an order; stock and payment are not settled yet (status pending)."""

    lines: tuple[OrderLine, ...]
    currency: str
    subtotal: Decimal
    shipping_cost: Decimal
    total: Decimal
    payment_method_id: UUID
    shipping_address: ShippingAddress
    placed_at: datetime


@event("shop.orders.order.confirmed.v1", subject="order_id")
class OrderConfirmed(_OrderContents):
    """Stock is reserved and payment authorized: the order will be fulfilled."""

    shipping_address: ShippingAddress
    confirmed_at: datetime


@event("shop.orders.order.rejected.v1", subject="order_id")
class OrderRejected(_OrderFact):
    """The order cannot be fulfilled. `reason` is a stable code, `detail` a human sentence."""

    # "out_of_stock" | "payment_declined" | "insufficient_funds" | "payment_unavailable"
    # | "reservation_expired"
    reason: str
    detail: str
    rejected_at: datetime


@event("shop.orders.order.cancelled.v1", subject="order_id")
class OrderCancelled(_OrderContents):
    """A confirmed order was cancelled before dispatch: refund and restock follow."""

    cancelled_at: datetime
