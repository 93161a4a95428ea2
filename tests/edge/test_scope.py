"""Scope: whose rows a request reaches, decided from the token alone (no database)."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from contexts.orders.models import Order
from modulith.http.authentication import Role, TokenPrincipal
from modulith.http.scope import Scope


def test_staff_see_everybodys_rows() -> None:
    staff = TokenPrincipal(id=uuid.uuid4(), roles=frozenset({Role.STAFF, Role.CUSTOMER}))

    scope = Scope.of(staff)

    assert scope == Scope.everybody()
    assert scope.sees_all


def test_a_customer_sees_their_own_rows_only() -> None:
    customer = TokenPrincipal(id=uuid.uuid4(), roles=frozenset({Role.CUSTOMER}))

    scope = Scope.of(customer)

    assert scope == Scope.customer(customer.id)
    assert not scope.sees_all


def test_a_customer_scope_filters_by_the_customer_and_everybody_filters_nothing() -> None:
    customer_id = uuid.uuid4()
    rows = Order.objects.all()

    mine = Scope.customer(customer_id).limit(rows)

    assert _filters(mine) == [("customer_id", customer_id)]
    assert Scope.everybody().limit(rows) is rows


def test_the_scope_names_the_field_that_holds_the_owner() -> None:
    owner = uuid.uuid4()

    limited = Scope.customer(owner).limit(Order.objects.all(), field="id")

    assert _filters(limited) == [("id", owner)]


def _filters(rows: QuerySet[Order]) -> list[tuple[str, object]]:
    """The (column, value) equality filters of a queryset, read from its WHERE tree rather than
    its SQL text, which each database backend renders differently (UUIDs with or without
    dashes, quoting)."""
    return [(lookup.lhs.target.column, lookup.rhs) for lookup in rows.query.where.children]
