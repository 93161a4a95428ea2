"""Public api of the identity context: keyword-only functions returning frozen DTOs."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from contexts.identity import selectors


@dataclass(frozen=True)
class CustomerDTO:
    id: UUID
    email: str
    name: str
    is_staff: bool


class CustomerNotFound(LookupError):
    def __init__(self, customer_id: UUID) -> None:
        super().__init__(f"No customer has id {customer_id}.")
        self.customer_id = customer_id


def get_customer(*, customer_id: UUID) -> CustomerDTO:
    """The account with this id (active or not: past orders still need its address)."""
    user = selectors.user_get(user_id=customer_id)
    if user is None:
        raise CustomerNotFound(customer_id)
    return CustomerDTO(id=user.id, email=user.email, name=user.name, is_staff=user.is_staff)
