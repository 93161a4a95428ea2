"""Demo data for `manage.py demo`: the demo customer's saved card. Safe to run again.

Identity's demo (earlier in INSTALLED_APPS) creates the customer; payments finds it by email
through identity's api and saves one tok_visa card for it, once.
"""

from __future__ import annotations

from typing import TextIO

from contexts.identity import api as identity_api
from contexts.payments import selectors, services
from contexts.payments.providers.fake import TOK_VISA

DEMO_CUSTOMER_EMAIL = "customer@example.com"


def load(*, out: TextIO) -> None:
    try:
        customer = identity_api.get_customer_by_email(email=DEMO_CUSTOMER_EMAIL)
    except identity_api.CustomerNotFound:
        out.write(
            f"payments: skipped ({DEMO_CUSTOMER_EMAIL} does not exist; run identity's demo)\n"
        )
        return
    method = selectors.payment_method_list(customer_id=customer.id).filter(token=TOK_VISA).first()
    state = "exists"
    if method is None:
        method = services.payment_method_create(customer_id=customer.id, token=TOK_VISA)
        state = "created"
    out.write(
        f"payments: {DEMO_CUSTOMER_EMAIL} pays with {method.brand} •••• {method.last4}, "
        f"payment_method_id {method.id} ({state})\n"
    )
