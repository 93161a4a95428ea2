"""Public api of the orders context: keyword-only functions returning frozen DTOs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from modulith.remote import api_function


@dataclass(frozen=True)
class OrderLineDTO:
    sku: str
    quantity: int
    unit_price: Decimal
    line_total: Decimal


@dataclass(frozen=True)
class OrderDTO:
    id: UUID
    customer_id: UUID
    status: str  # pending | confirmed | rejected | cancelled | shipped | delivered
    currency: str
    subtotal: Decimal
    shipping_cost: Decimal
    total: Decimal
    lines: tuple[OrderLineDTO, ...]
    placed_at: datetime


class OrderNotFound(LookupError):
    pass


@api_function
def get_order(*, order_id: UUID) -> OrderDTO:
    """One order; raises OrderNotFound."""
    from contexts.orders import selectors  # here: selectors build the DTOs defined above

    return selectors.order_dto(order_id=order_id)
