"""The payments REST API through HTTP (DRF's APIClient, principals as the JWT would give)."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from contexts.payments.models import PaymentMethod, PaymentStatus
from modulith.http.authentication import Role, TokenPrincipal
from tests.payments.conftest import ClientFor, MakePrincipal
from tests.payments.factories import PaymentFactory, PaymentMethodFactory
from tests.support.auth import BearerFactory
from tests.support.pages import PagesCostTheSame
from tests.support.problems import assert_problem_type

pytestmark = pytest.mark.django_db

METHODS = reverse("payments-methods")
PAYMENTS = reverse("payments-list")


def detail(payment_id: uuid.UUID) -> str:
    return reverse("payments-detail", kwargs={"payment_id": payment_id})


# --- Payment methods ----------------------------------------------------------------------------


def test_a_customer_saves_a_card_by_its_token(
    client_for: ClientFor, customer: TokenPrincipal
) -> None:
    response = client_for(customer).post(METHODS, {"token": "tok_visa"}, format="json")

    assert response.status_code == 201
    assert response.json()["brand"] == "visa"
    assert response.json()["last4"] == "4242"
    method = PaymentMethod.objects.get(id=response.json()["id"])
    assert (method.customer_id, method.token) == (customer.id, "tok_visa")


def test_an_unknown_token_is_an_unprocessable_field_error(
    client_for: ClientFor, customer: TokenPrincipal
) -> None:
    response = client_for(customer).post(METHODS, {"token": "tok_nonsense"}, format="json")

    assert response.status_code == 422
    assert_problem_type(response)
    assert [error["field"] for error in response.json()["errors"]] == ["token"]
    assert not PaymentMethod.objects.exists()


def test_a_missing_token_is_a_field_error(client_for: ClientFor, customer: TokenPrincipal) -> None:
    response = client_for(customer).post(METHODS, {}, format="json")

    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["token"]


def test_saving_a_card_while_the_provider_is_down_answers_503(
    client_for: ClientFor, customer: TokenPrincipal, settings: Settings
) -> None:
    settings.PAYMENTS_FAKE_LATENCY_MS = 1000  # beyond the test timeout of 0.2 s

    response = client_for(customer).post(METHODS, {"token": "tok_visa"}, format="json")

    assert response.status_code == 503
    assert_problem_type(response)


def test_saving_a_card_needs_a_token() -> None:
    response = APIClient().post(METHODS, {"token": "tok_visa"}, format="json")

    assert response.status_code == 401


def test_staff_cannot_save_cards(client_for: ClientFor, staff: TokenPrincipal) -> None:
    response = client_for(staff).post(METHODS, {"token": "tok_visa"}, format="json")

    assert response.status_code == 403


def test_customers_list_only_their_own_cards(
    client_for: ClientFor, customer: TokenPrincipal
) -> None:
    mine = PaymentMethodFactory(customer_id=customer.id)
    PaymentMethodFactory()

    response = client_for(customer).get(METHODS)

    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert [item["id"] for item in response.json()["results"]] == [str(mine.id)]


def test_listing_cards_costs_the_same_queries_for_any_page_size(
    client_for: ClientFor, customer: TokenPrincipal, pages_cost_the_same: PagesCostTheSame
) -> None:
    PaymentMethodFactory.create_batch(5, customer_id=customer.id)

    pages_cost_the_same(client_for(customer), METHODS, rows=5)


# --- Payments -----------------------------------------------------------------------------------


def test_customers_list_only_their_own_payments(
    client_for: ClientFor, customer: TokenPrincipal
) -> None:
    mine = PaymentFactory(payment_method__customer_id=customer.id)
    PaymentFactory()

    response = client_for(customer).get(PAYMENTS)

    assert response.status_code == 200
    [listed] = response.json()["results"]
    assert listed["id"] == str(mine.id)
    assert listed["order_id"] == str(mine.order_id)
    assert listed["amount"] == "42.50"
    assert listed["currency"] == "EUR"
    assert listed["status"] == "authorized"
    assert listed["payment_method"]["last4"] == "4242"


def test_staff_list_every_payment(client_for: ClientFor, staff: TokenPrincipal) -> None:
    PaymentFactory.create_batch(3)

    response = client_for(staff).get(PAYMENTS)

    assert response.json()["count"] == 3


def test_tombstones_of_orders_that_never_reached_payments_are_not_listed(
    client_for: ClientFor, staff: TokenPrincipal
) -> None:
    PaymentFactory(
        status=PaymentStatus.ABANDONED, amount=None, payment_method=None, customer_id=uuid.uuid4()
    )

    response = client_for(staff).get(PAYMENTS)

    assert response.json()["count"] == 0


def test_listing_payments_costs_the_same_queries_for_any_page_size(
    client_for: ClientFor, customer: TokenPrincipal, pages_cost_the_same: PagesCostTheSame
) -> None:
    PaymentFactory.create_batch(6, payment_method__customer_id=customer.id)

    pages_cost_the_same(client_for(customer), PAYMENTS, rows=6)


def test_a_customer_sees_their_payment(client_for: ClientFor, customer: TokenPrincipal) -> None:
    payment = PaymentFactory(payment_method__customer_id=customer.id)

    response = client_for(customer).get(detail(payment.id))

    assert response.status_code == 200
    assert response.json()["id"] == str(payment.id)


def test_another_customers_payment_is_not_found(
    client_for: ClientFor, make_principal: MakePrincipal
) -> None:
    payment = PaymentFactory()
    stranger = make_principal(Role.CUSTOMER)

    response = client_for(stranger).get(detail(payment.id))

    assert response.status_code == 404
    assert_problem_type(response)


def test_staff_see_any_payment(client_for: ClientFor, staff: TokenPrincipal) -> None:
    payment = PaymentFactory()

    response = client_for(staff).get(detail(payment.id))

    assert response.status_code == 200


def test_payments_need_a_token() -> None:
    assert APIClient().get(PAYMENTS).status_code == 401


def test_a_real_access_token_is_enough_to_save_and_list_cards(bearer: BearerFactory) -> None:
    customer_id = uuid.uuid4()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=bearer(customer_id, roles=["customer"]))

    created = client.post(METHODS, {"token": "tok_visa"}, format="json")
    listed = client.get(METHODS)

    assert created.status_code == 201
    assert PaymentMethod.objects.get(id=created.json()["id"]).customer_id == customer_id
    assert [item["id"] for item in listed.json()["results"]] == [created.json()["id"]]
