"""Whose rows a request may reach: one customer's own, or everybody's for staff.

Every context that keeps rows per customer (orders, payments, shipments) answers "show me mine"
to a customer and "show me all" to staff, and answers 404 for somebody else's row so that ids
cannot be probed. The views build a Scope from the token; the selectors and services take it and
limit their querysets with it, so the rule is written once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar
from uuid import UUID

if TYPE_CHECKING:
    from django.db.models import Model, QuerySet

    from modulith.http.authentication import TokenPrincipal

    M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Scope:
    """The rows of one customer, or (customer_id None) everybody's."""

    customer_id: UUID | None

    @classmethod
    def everybody(cls) -> Scope:
        """No limit: staff, and a context's own api reading on another context's behalf."""
        return cls(customer_id=None)

    @classmethod
    def customer(cls, customer_id: UUID) -> Scope:
        return cls(customer_id=customer_id)

    @classmethod
    def of(cls, principal: TokenPrincipal) -> Scope:
        """Staff see every row; anybody else only their own."""
        return cls.everybody() if principal.is_staff else cls.customer(principal.id)

    @property
    def sees_all(self) -> bool:
        return self.customer_id is None

    def limit(self, rows: QuerySet[M], *, field: str = "customer_id") -> QuerySet[M]:
        """`rows` narrowed to this scope's customer, by the model's `field`."""
        return rows if self.customer_id is None else rows.filter(**{field: self.customer_id})
