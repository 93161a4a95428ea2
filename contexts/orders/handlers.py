"""What orders does when inventory, payments and shipping report on an order: record it.

Each report has one use case in services.saga, which locks the order, joins the saga's branches
and publishes whatever follows. The use cases name their arguments after the event's fields, so
the handlers are all alike and not written out one by one: `REPORTS` pairs each event with the
use case that records it, and `recorder` makes the handler that calls the use case with exactly
the fields it names. An event about an order this database does not hold can never succeed on
retry, so it goes to the dead letters.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from typing import Any, TypeVar

from contexts.inventory.events import (
    StockReleased,
    StockReservationExpired,
    StockReservationFailed,
    StockReserved,
)
from contexts.orders import services
from contexts.orders.selectors import OrderNotFound
from contexts.payments.events import (
    PaymentAuthorized,
    PaymentCaptured,
    PaymentFailed,
    PaymentRefunded,
    PaymentVoided,
)
from contexts.shipping.events import ShipmentDelivered, ShipmentDispatched
from modulith import PermanentError, subscribe

E = TypeVar("E")

REPORTS: dict[type, Callable[..., Any]] = {
    # The stock branch.
    StockReserved: services.order_record_stock_reserved,
    StockReservationFailed: services.order_record_stock_failed,
    StockReservationExpired: services.order_record_stock_expired,
    StockReleased: services.order_record_stock_released,
    # The payment branch.
    PaymentAuthorized: services.order_record_payment_authorized,
    PaymentFailed: services.order_record_payment_failed,
    PaymentCaptured: services.order_record_payment_captured,
    PaymentVoided: services.order_record_payment_voided,
    PaymentRefunded: services.order_record_payment_refunded,
    # Fulfilment.
    ShipmentDispatched: services.order_record_shipment_dispatched,
    ShipmentDelivered: services.order_record_shipment_delivered,
}


def recorder(event_class: type[E], record: Callable[..., Any]) -> Callable[[E], None]:
    """The handler of `event_class`: `record`, called with the event's fields it names.

    The handler is named on_<the event in snake case>, on_stock_reserved for StockReserved,
    which makes its subscription orders.on_stock_reserved: inbox rows and dead letters are keyed
    by that name, so it must not change while either may still hold it.
    """
    arguments = tuple(inspect.signature(record).parameters)
    fields = inspect.signature(event_class).parameters  # an event's __init__ takes its fields
    missing = [name for name in arguments if name not in fields]
    if missing:
        raise TypeError(
            f"{record.__name__}() takes {', '.join(missing)}, "
            f"which {event_class.__name__} does not carry."
        )

    def handle(event: E) -> None:
        try:
            record(**{name: getattr(event, name) for name in arguments})
        except OrderNotFound as error:
            raise PermanentError(str(error)) from error

    handle.__name__ = handle.__qualname__ = "on_" + _snake_case(event_class.__name__)
    # The event class itself, not the type variable: subscribing checks it (modulith.E003).
    handle.__annotations__ = {"event": event_class, "return": None}
    return handle


def _snake_case(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


for _event_class, _record in REPORTS.items():
    subscribe(_event_class)(recorder(_event_class, _record))
