"""Public api of the orders context: keyword-only functions returning frozen DTOs.

Selectors return model rows; this module alone maps them to DTOs (docs/rules.md, rule 13).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING
from uuid import UUID

from contexts.orders import selectors as _selectors
from contexts.orders.selectors import OrderNotFound as OrderNotFound  # raised there, offered here
from modulith.http.scope import Scope
from modulith.remote import api_function

if TYPE_CHECKING:  # the model stays private: only the DTOs below leave this context
    from contexts.orders.models import Order


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


@api_function
def get_order(*, order_id: UUID) -> OrderDTO:
    """One order; raises OrderNotFound."""
    return _order_dto(_selectors.order_get(order_id=order_id, scope=Scope.everybody()))


def _order_dto(order: Order) -> OrderDTO:
    return OrderDTO(
        id=order.id,
        customer_id=order.customer_id,
        status=order.status,
        currency=order.currency,
        subtotal=order.subtotal,
        shipping_cost=order.shipping_cost,
        total=order.total,
        lines=tuple(
            OrderLineDTO(
                sku=line.sku,
                quantity=line.quantity,
                unit_price=line.unit_price,
                line_total=line.line_total,
            )
            for line in order.lines.all()
        ),
        placed_at=order.placed_at,
    )
