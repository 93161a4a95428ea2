"""Payments reacts to the order saga. Each handler decodes the event and calls one service;
the services check the payment's state, so events may arrive in any order and any number of
times.

Exceptions decide what modulith does next: PermanentError dead-letters the delivery (a person
must look), any other exception retries it with backoff (the provider was unavailable, or the
authorization is still being decided).
"""

from __future__ import annotations

from uuid import UUID

from contexts.orders.events import OrderCancelled, OrderConfirmed, OrderPlaced, OrderRejected
from contexts.payments import services
from modulith import PermanentError, subscribe


@subscribe(OrderPlaced)
def on_order_placed(event: OrderPlaced) -> None:
    services.payment_authorize(
        order_id=event.order_id,
        customer_id=event.customer_id,
        payment_method_id=event.payment_method_id,
        amount=event.total,
        currency=event.currency,
    )


@subscribe(OrderConfirmed)
def on_order_confirmed(event: OrderConfirmed) -> None:
    try:
        services.payment_capture(order_id=event.order_id)
    except services.PaymentNotCapturable as error:
        raise PermanentError(str(error)) from error


@subscribe(OrderRejected)
def on_order_rejected(event: OrderRejected) -> None:
    _give_money_back(event.order_id, event.customer_id)


@subscribe(OrderCancelled)
def on_order_cancelled(event: OrderCancelled) -> None:
    _give_money_back(event.order_id, event.customer_id)


def _give_money_back(order_id: UUID, customer_id: UUID) -> None:
    try:
        services.payment_reverse(order_id=order_id, customer_id=customer_id)
    except services.PaymentNotReversible as error:
        raise PermanentError(str(error)) from error
