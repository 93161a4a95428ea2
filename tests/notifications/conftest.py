"""Fixtures for the notifications tests: a directory of customers standing in for identity's
api. Clients (client_for) come from tests/conftest.py."""

from __future__ import annotations

import uuid

import pytest
from django.db import connections

from contexts.identity.api import CustomerDTO, CustomerNotFound
from contexts.notifications import services
from modulith.http.authentication import Role, TokenPrincipal
from tests.support.clients import ClientFor as ClientFor


class CustomerDirectory:
    """What identity.api.get_customer answers, without identity's tables. It notes each question
    and whether a transaction was open: once identity runs on its own, the call is HTTP."""

    def __init__(self) -> None:
        self.customers: dict[uuid.UUID, CustomerDTO] = {}
        self.asked: list[tuple[uuid.UUID, bool]] = []

    def add(self, *, email: str = "ada@example.com", name: str = "Ada Lovelace") -> CustomerDTO:
        customer = CustomerDTO(id=uuid.uuid4(), email=email, name=name, is_staff=False)
        self.customers[customer.id] = customer
        return customer

    def get_customer(self, *, customer_id: uuid.UUID) -> CustomerDTO:
        in_transaction = any(
            connection.in_atomic_block for connection in connections.all(initialized_only=True)
        )
        self.asked.append((customer_id, in_transaction))
        try:
            return self.customers[customer_id]
        except KeyError:
            raise CustomerNotFound(customer_id) from None


@pytest.fixture
def customers(monkeypatch: pytest.MonkeyPatch) -> CustomerDirectory:
    directory = CustomerDirectory()
    monkeypatch.setattr(services, "get_customer", directory.get_customer)
    return directory


def principal_of(customer: CustomerDTO) -> TokenPrincipal:
    return TokenPrincipal(id=customer.id, roles=frozenset({Role.CUSTOMER}))
