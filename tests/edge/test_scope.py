"""Scope: whose rows a request reaches, decided from the token alone (no database)."""

from __future__ import annotations

import uuid

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

    assert str(customer_id).replace("-", "") in str(mine.query)
    assert Scope.everybody().limit(rows) is rows


def test_the_scope_names_the_field_that_holds_the_owner() -> None:
    owner = uuid.uuid4()

    limited = Scope.customer(owner).limit(Order.objects.all(), field="id")

    assert '"id" = ' in str(limited.query).replace("`", '"')
