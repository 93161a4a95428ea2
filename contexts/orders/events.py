"""Events published by the orders context. They carry what subscribers need, so nobody has to
call back into orders to react."""

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


@event("shop.orders.order.placed.v1", subject="order_id")
@dataclass(frozen=True)
class OrderPlaced:
    """A customer placed an order; stock and payment are not settled yet (status pending)."""

    order_id: UUID
    customer_id: UUID
    lines: tuple[OrderLine, ...]
    currency: str
    subtotal: Decimal
    shipping_cost: Decimal
    total: Decimal
    payment_method_id: UUID
    shipping_address: ShippingAddress
    placed_at: datetime


@event("shop.orders.order.confirmed.v1", subject="order_id")
@dataclass(frozen=True)
class OrderConfirmed:
    """Stock is reserved and payment authorized: the order will be fulfilled."""

    order_id: UUID
    customer_id: UUID
    lines: tuple[OrderLine, ...]
    currency: str
    total: Decimal
    shipping_address: ShippingAddress
    confirmed_at: datetime


@event("shop.orders.order.rejected.v1", subject="order_id")
@dataclass(frozen=True)
class OrderRejected:
    """The order cannot be fulfilled. `reason` is a stable code, `detail` a human sentence."""

    order_id: UUID
    customer_id: UUID
    # "out_of_stock" | "payment_declined" | "insufficient_funds" | "payment_unavailable"
    # | "reservation_expired"
    reason: str
    detail: str
    rejected_at: datetime


@event("shop.orders.order.cancelled.v1", subject="order_id")
@dataclass(frozen=True)
class OrderCancelled:
    """A confirmed order was cancelled before dispatch: refund and restock follow."""

    order_id: UUID
    customer_id: UUID
    lines: tuple[OrderLine, ...]
    currency: str
    total: Decimal
    cancelled_at: datetime
