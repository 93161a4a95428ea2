"""Public api of the identity context: keyword-only functions returning frozen DTOs.

Selectors return model rows; this module alone maps them to DTOs (docs/rules.md, rule 13).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from uuid import UUID

from contexts.identity import selectors as _selectors
from modulith.remote import api_function

if TYPE_CHECKING:  # the model stays private: only the DTO below leaves this context
    from contexts.identity.models import User


@dataclass(frozen=True)
class CustomerDTO:
    id: UUID
    email: str
    name: str
    is_staff: bool


class CustomerNotFound(LookupError):
    def __init__(self, customer_id: UUID | None = None, *, email: str | None = None) -> None:
        wanted = f"id {customer_id}" if customer_id is not None else f"email {email}"
        super().__init__(f"No customer has {wanted}.")
        self.customer_id = customer_id
        self.email = email


@api_function
def get_customer(*, customer_id: UUID) -> CustomerDTO:
    """The account with this id (active or not: past orders still need its address)."""
    user = _selectors.user_get(user_id=customer_id)
    if user is None:
        raise CustomerNotFound(customer_id)
    return _customer_dto(user)


@api_function
def get_customer_by_email(*, email: str) -> CustomerDTO:
    """The account with this address, in any letter case."""
    user = _selectors.user_get_by_email(email=email)
    if user is None:
        raise CustomerNotFound(email=email)
    return _customer_dto(user)


def _customer_dto(user: User) -> CustomerDTO:
    return CustomerDTO(id=user.id, email=user.email, name=user.name, is_staff=user.is_staff)
