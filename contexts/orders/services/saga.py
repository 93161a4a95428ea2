"""The order saga: record what inventory, payments and shipping report, and join the branches.

Inventory (stock) and payments (authorization) work on a placed order in parallel; orders joins
them: both succeeded → confirmed, either failed → rejected. Events may arrive in any order and
more than once, so every use case here

- locks the order row first (SELECT … FOR UPDATE): the two branches' events can be handled at
  the same moment by two workers, and without the lock both could read the other branch as still
  pending and miss the join; and invalidates the order's cached representation in the same
  transaction (selectors.order_representations);
- only moves a branch forward (`_advance`): a late or repeated event never undoes a later fact;
- records every event in the order's history, even one that changes nothing, so support can see
  what arrived after the order settled.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.utils import timezone

from contexts.orders import database
from contexts.orders.events import OrderConfirmed, OrderRejected
from contexts.orders.models import (
    Order,
    OrderHistoryEntry,
    OrderStatus,
    PaymentStatus,
    RejectionReason,
    StockStatus,
)
from contexts.orders.selectors import OrderNotFound, order_representations
from contexts.orders.services.payloads import address_of, event_lines
from modulith import publish

logger = logging.getLogger(__name__)

# How far along each branch is. A status replaces the current one only if it is further along:
# "failed" never replaces "reserved" (or the reverse), "reserved" never replaces "expired".
STOCK_PROGRESS = {
    StockStatus.PENDING: 0,
    StockStatus.RESERVED: 1,
    StockStatus.FAILED: 1,
    StockStatus.EXPIRED: 2,
    StockStatus.RELEASED: 2,
}
PAYMENT_PROGRESS = {
    PaymentStatus.PENDING: 0,
    PaymentStatus.AUTHORIZED: 1,
    PaymentStatus.FAILED: 1,
    PaymentStatus.CAPTURED: 2,
    PaymentStatus.VOIDED: 2,
    PaymentStatus.REFUNDED: 3,
}

# The columns the join may set (_confirm, _reject).
JOIN_FIELDS = ("status", "confirmed_at", "rejection_reason", "rejection_detail", "rejected_at")

# PaymentFailed.reason → the rejection reason customers see.
PAYMENT_REJECTIONS = {
    "declined": RejectionReason.PAYMENT_DECLINED,
    "insufficient_funds": RejectionReason.INSUFFICIENT_FUNDS,
    "provider_unavailable": RejectionReason.PAYMENT_UNAVAILABLE,
}


@dataclass(frozen=True)
class Rejection:
    reason: RejectionReason
    detail: str


def joined_status(
    *, status: OrderStatus, stock_status: StockStatus, payment_status: PaymentStatus
) -> OrderStatus:
    """The status the join gives an order. Only a pending order moves; settled ones stay put."""
    if status != OrderStatus.PENDING:
        return status
    if stock_status in (StockStatus.FAILED, StockStatus.EXPIRED):
        return OrderStatus.REJECTED
    if payment_status == PaymentStatus.FAILED:
        return OrderStatus.REJECTED
    if stock_status == StockStatus.RESERVED and payment_status == PaymentStatus.AUTHORIZED:
        return OrderStatus.CONFIRMED
    return OrderStatus.PENDING


def stock_failure_rejection(*, unavailable_skus: tuple[str, ...]) -> Rejection:
    # Inventory also says "unknown_sku" for a sku it holds no stock of: to the customer that is
    # out of stock all the same.
    skus = ", ".join(unavailable_skus) or "some items"
    return Rejection(RejectionReason.OUT_OF_STOCK, f"Not enough stock of {skus}.")


def payment_failure_rejection(*, reason: str, detail: str) -> Rejection:
    code = PAYMENT_REJECTIONS.get(reason, RejectionReason.PAYMENT_DECLINED)
    return Rejection(code, detail or f"The payment failed ({reason}).")


# --- Stock branch -------------------------------------------------------------------------------


@database.atomic
def order_record_stock_reserved(*, order_id: UUID, reservation_id: UUID) -> Order:
    order = _locked(order_id)
    order.reservation_id = order.reservation_id or reservation_id
    _record(order, "stock_reserved", stock=StockStatus.RESERVED, also=("reservation_id",))
    return order


@database.atomic
def order_record_stock_failed(
    *, order_id: UUID, reason: str, unavailable_skus: tuple[str, ...]
) -> Order:
    order = _locked(order_id)
    rejection = stock_failure_rejection(unavailable_skus=unavailable_skus)
    _record(order, "stock_reservation_failed", stock=StockStatus.FAILED, rejection=rejection)
    return order


@database.atomic
def order_record_stock_expired(*, order_id: UUID, reservation_id: UUID) -> Order:
    order = _locked(order_id)
    rejection = Rejection(
        RejectionReason.RESERVATION_EXPIRED,
        "The items were held for this order until their reservation expired.",
    )
    if order.status != OrderStatus.PENDING:
        # Inventory should have committed the reservation on OrderConfirmed: worth a look.
        logger.warning(
            "reservation %s of %s order %s expired", reservation_id, order.status, order.id
        )
    _record(order, "stock_reservation_expired", stock=StockStatus.EXPIRED, rejection=rejection)
    return order


@database.atomic
def order_record_stock_released(*, order_id: UUID, reservation_id: UUID) -> Order:
    order = _locked(order_id)
    _record(order, "stock_released", stock=StockStatus.RELEASED)
    return order


# --- Payment branch -----------------------------------------------------------------------------


@database.atomic
def order_record_payment_authorized(*, order_id: UUID, payment_id: UUID) -> Order:
    order = _locked(order_id)
    order.payment_id = order.payment_id or payment_id
    _record(order, "payment_authorized", payment=PaymentStatus.AUTHORIZED, also=("payment_id",))
    return order


@database.atomic
def order_record_payment_failed(*, order_id: UUID, reason: str, detail: str) -> Order:
    order = _locked(order_id)
    rejection = payment_failure_rejection(reason=reason, detail=detail)
    _record(order, "payment_failed", payment=PaymentStatus.FAILED, rejection=rejection)
    return order


@database.atomic
def order_record_payment_captured(*, order_id: UUID, payment_id: UUID) -> Order:
    order = _locked(order_id)
    _record(order, "payment_captured", payment=PaymentStatus.CAPTURED)
    return order


@database.atomic
def order_record_payment_voided(*, order_id: UUID, payment_id: UUID) -> Order:
    order = _locked(order_id)
    _record(order, "payment_voided", payment=PaymentStatus.VOIDED)
    return order


@database.atomic
def order_record_payment_refunded(*, order_id: UUID, payment_id: UUID) -> Order:
    order = _locked(order_id)
    _record(order, "payment_refunded", payment=PaymentStatus.REFUNDED)
    return order


# --- Fulfilment ---------------------------------------------------------------------------------


@database.atomic
def order_record_shipment_dispatched(
    *, order_id: UUID, shipment_id: UUID, tracking_number: str, dispatched_at: datetime
) -> Order:
    order = _locked(order_id)
    order.shipment_id = order.shipment_id or shipment_id
    order.tracking_number = order.tracking_number or tracking_number
    order.shipped_at = order.shipped_at or dispatched_at
    note = ""
    if order.status == OrderStatus.CONFIRMED:
        order.status = OrderStatus.SHIPPED
    else:
        note = f"status stays {order.status}"
        if order.status not in (OrderStatus.SHIPPED, OrderStatus.DELIVERED):
            logger.warning(
                "shipment %s dispatched for %s order %s", shipment_id, order.status, order.id
            )
    _note(order, "shipment_dispatched", note)
    _save(order, "shipment_id", "tracking_number", "shipped_at", "status")
    return order


@database.atomic
def order_record_shipment_delivered(
    *, order_id: UUID, shipment_id: UUID, delivered_at: datetime
) -> Order:
    order = _locked(order_id)
    order.shipment_id = order.shipment_id or shipment_id
    order.delivered_at = order.delivered_at or delivered_at
    note = ""
    # Delivered may overtake Dispatched on the way here; it still ends the order.
    if order.status in (OrderStatus.CONFIRMED, OrderStatus.SHIPPED):
        order.status = OrderStatus.DELIVERED
    else:
        note = f"status stays {order.status}"
    _note(order, "shipment_delivered", note)
    _save(order, "shipment_id", "delivered_at", "status")
    return order


# --- Shared steps -------------------------------------------------------------------------------


def _locked(order_id: UUID) -> Order:
    """The order, locked for this transaction, whose cached representation is given up: every
    use case here may change it, and one that ends up changing nothing costs only a read."""
    try:
        order = Order.objects.select_for_update().get(id=order_id)
    except Order.DoesNotExist:
        raise OrderNotFound(f"No order has id {order_id}.") from None
    # After the lock: the pending token then stays only as long as the change itself.
    order_representations.invalidate(str(order.id), using=database.alias())
    return order


def _record(
    order: Order,
    event: str,
    *,
    stock: StockStatus | None = None,
    payment: PaymentStatus | None = None,
    rejection: Rejection | None = None,
    also: tuple[str, ...] = (),
) -> None:
    """Apply one branch's new status, note it, join the branches, save the branch's column, the
    join's columns and those in `also` that the use case itself set."""
    notes = []
    if stock is not None and not _advance(order, "stock_status", stock, STOCK_PROGRESS):
        notes.append(f"stock stays {order.stock_status}")
    if payment is not None and not _advance(order, "payment_status", payment, PAYMENT_PROGRESS):
        notes.append(f"payment stays {order.payment_status}")
    if order.status != OrderStatus.PENDING:
        notes.append(f"order already {order.status}")
    _note(order, event, "; ".join(notes))
    _join(order, rejection)
    # Every use case reports on exactly one branch.
    branch = "stock_status" if stock is not None else "payment_status"
    _save(order, branch, *JOIN_FIELDS, *also)


def _save(order: Order, *fields: str) -> None:
    # Only the columns a step can change: an order has about thirty, a step sets at most nine.
    # updated_at is auto_now, and update_fields writes it only when it is named.
    order.save(update_fields=[*fields, "updated_at"])


def _advance(order: Order, field: str, new: StockStatus | PaymentStatus, progress: dict) -> bool:
    current = getattr(order, field)
    if progress[new] <= progress[current]:
        return False
    setattr(order, field, new)
    return True


def _join(order: Order, rejection: Rejection | None) -> None:
    if order.status != OrderStatus.PENDING:
        return
    status = joined_status(
        status=OrderStatus(order.status),
        stock_status=StockStatus(order.stock_status),
        payment_status=PaymentStatus(order.payment_status),
    )
    if status == OrderStatus.CONFIRMED:
        _confirm(order)
    elif status == OrderStatus.REJECTED:
        _reject(order, rejection or _unexplained(order))


def _confirm(order: Order) -> None:
    now = timezone.now()
    order.status = OrderStatus.CONFIRMED
    order.confirmed_at = now
    _note(order, "confirmed")
    publish(
        OrderConfirmed(
            order_id=order.id,
            customer_id=order.customer_id,
            lines=event_lines(order),
            currency=order.currency,
            total=order.total,
            shipping_address=address_of(order),
            confirmed_at=now,
        )
    )


def _reject(order: Order, rejection: Rejection) -> None:
    now = timezone.now()
    order.status = OrderStatus.REJECTED
    order.rejection_reason = rejection.reason
    order.rejection_detail = rejection.detail[:500]
    order.rejected_at = now
    _note(order, "rejected", rejection.reason)
    publish(
        OrderRejected(
            order_id=order.id,
            customer_id=order.customer_id,
            reason=rejection.reason.value,
            detail=order.rejection_detail,
            rejected_at=now,
        )
    )


def _unexplained(order: Order) -> Rejection:
    # Only reachable if a failure was stored without rejecting, which _record never does.
    if order.payment_status == PaymentStatus.FAILED:
        return Rejection(RejectionReason.PAYMENT_DECLINED, "The payment failed.")
    return Rejection(RejectionReason.OUT_OF_STOCK, "The items could not be reserved.")


def _note(order: Order, event: str, note: str = "") -> None:
    OrderHistoryEntry.objects.create(order=order, event=event, note=note[:500])
