"""Write use cases of the orders context.

- placement: pricing an order through catalog and shipping, then storing it idempotently;
- saga: recording what inventory, payments and shipping report, and joining the branches;
- cancellation: a customer or staff cancelling a confirmed order before dispatch.
"""

from contexts.orders.services.cancellation import OrderNotCancellable, order_cancel
from contexts.orders.services.placement import (
    IdempotencyClaim,
    IdempotencyKeyReused,
    IdempotentRequestInProgress,
    InvalidOrderRequest,
    OrderRequest,
    Placement,
    RequestedLine,
    order_place,
)
from contexts.orders.services.saga import (
    order_record_payment_authorized,
    order_record_payment_captured,
    order_record_payment_failed,
    order_record_payment_refunded,
    order_record_payment_voided,
    order_record_shipment_delivered,
    order_record_shipment_dispatched,
    order_record_stock_expired,
    order_record_stock_failed,
    order_record_stock_released,
    order_record_stock_reserved,
)

__all__ = [
    "IdempotencyClaim",
    "IdempotencyKeyReused",
    "IdempotentRequestInProgress",
    "InvalidOrderRequest",
    "OrderNotCancellable",
    "OrderRequest",
    "Placement",
    "RequestedLine",
    "order_cancel",
    "order_place",
    "order_record_payment_authorized",
    "order_record_payment_captured",
    "order_record_payment_failed",
    "order_record_payment_refunded",
    "order_record_payment_voided",
    "order_record_shipment_delivered",
    "order_record_shipment_dispatched",
    "order_record_stock_expired",
    "order_record_stock_failed",
    "order_record_stock_released",
    "order_record_stock_reserved",
]
