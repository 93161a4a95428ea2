"""The shipping REST API through HTTP (DRF's APIClient, principals as the JWT would give)."""

from __future__ import annotations

import uuid

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from contexts.shipping.models import Rate, ShipmentStatus, Zone
from modulith.http.authentication import TokenPrincipal
from tests.shipping.conftest import ClientFor
from tests.shipping.factories import ShipmentFactory
from tests.support.auth import BearerFactory
from tests.support.pages import PagesCostTheSame
from tests.support.problems import assert_problem_type

pytestmark = pytest.mark.django_db

SHIPMENTS = reverse("shipping-shipments")
QUOTES = reverse("shipping-quotes")


def detail(shipment_id: uuid.UUID) -> str:
    return reverse("shipping-shipment", kwargs={"shipment_id": shipment_id})


def dispatch(shipment_id: uuid.UUID) -> str:
    return reverse("shipping-shipment-dispatch", kwargs={"shipment_id": shipment_id})


def deliver(shipment_id: uuid.UUID) -> str:
    return reverse("shipping-shipment-deliver", kwargs={"shipment_id": shipment_id})


# --- Following shipments ------------------------------------------------------------------------


def test_customers_list_only_their_own_shipments(
    client_for: ClientFor, customer: TokenPrincipal
) -> None:
    mine = ShipmentFactory(customer_id=customer.id)
    ShipmentFactory()

    response = client_for(customer).get(SHIPMENTS)

    assert response.status_code == 200
    assert response.json()["count"] == 1
    [listed] = response.json()["results"]
    assert listed["id"] == str(mine.id)
    assert listed["tracking_number"] == mine.tracking_number
    assert listed["address"]["city"] == "Paris"


def test_staff_list_every_shipment_but_no_tombstones(
    client_for: ClientFor, staff: TokenPrincipal
) -> None:
    ShipmentFactory.create_batch(2)
    ShipmentFactory(status=ShipmentStatus.WITHDRAWN, tracking_number=None)

    response = client_for(staff).get(SHIPMENTS)

    assert response.json()["count"] == 2


def test_listing_shipments_costs_the_same_queries_for_any_page_size(
    client_for: ClientFor, customer: TokenPrincipal, pages_cost_the_same: PagesCostTheSame
) -> None:
    ShipmentFactory.create_batch(5, customer_id=customer.id)

    pages_cost_the_same(client_for(customer), SHIPMENTS, rows=5)


def test_a_customer_tracks_their_shipment(client_for: ClientFor, customer: TokenPrincipal) -> None:
    shipment = ShipmentFactory(customer_id=customer.id, status=ShipmentStatus.DISPATCHED)
    shipment.dispatched_at = shipment.created_at
    shipment.save()

    response = client_for(customer).get(detail(shipment.id))

    assert response.status_code == 200
    body = response.json()
    assert body["tracking_number"] == shipment.tracking_number
    assert [step["status"] for step in body["tracking"]] == ["created", "dispatched"]


def test_another_customers_shipment_is_not_found(
    client_for: ClientFor, customer: TokenPrincipal
) -> None:
    shipment = ShipmentFactory()

    response = client_for(customer).get(detail(shipment.id))

    assert response.status_code == 404
    assert_problem_type(response)


def test_staff_track_any_shipment(client_for: ClientFor, staff: TokenPrincipal) -> None:
    shipment = ShipmentFactory()

    assert client_for(staff).get(detail(shipment.id)).status_code == 200


def test_shipments_need_a_token() -> None:
    assert APIClient().get(SHIPMENTS).status_code == 401


# --- Moving parcels along -----------------------------------------------------------------------


def test_staff_dispatch_then_deliver_a_shipment(
    client_for: ClientFor, staff: TokenPrincipal
) -> None:
    shipment = ShipmentFactory()
    client = client_for(staff)

    dispatched = client.post(dispatch(shipment.id))
    delivered = client.post(deliver(shipment.id))

    assert (dispatched.status_code, dispatched.json()["status"]) == (200, "dispatched")
    assert (delivered.status_code, delivered.json()["status"]) == (200, "delivered")


def test_dispatching_twice_is_a_conflict(client_for: ClientFor, staff: TokenPrincipal) -> None:
    shipment = ShipmentFactory(status=ShipmentStatus.DISPATCHED)

    response = client_for(staff).post(dispatch(shipment.id))

    assert response.status_code == 409
    assert_problem_type(response)
    assert response.json()["type"] == "/problems/shipment-state-conflict"
    assert response.json()["shipment_status"] == "dispatched"


def test_delivering_a_shipment_that_never_left_is_a_conflict(
    client_for: ClientFor, staff: TokenPrincipal
) -> None:
    shipment = ShipmentFactory()

    assert client_for(staff).post(deliver(shipment.id)).status_code == 409


def test_dispatching_an_unknown_shipment_is_not_found(
    client_for: ClientFor, staff: TokenPrincipal
) -> None:
    assert client_for(staff).post(dispatch(uuid.uuid4())).status_code == 404


def test_customers_cannot_dispatch(client_for: ClientFor, customer: TokenPrincipal) -> None:
    shipment = ShipmentFactory(customer_id=customer.id)

    response = client_for(customer).post(dispatch(shipment.id))

    assert response.status_code == 403
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.CREATED


# --- Quotes -------------------------------------------------------------------------------------


def test_anyone_gets_a_quote_for_lines_and_a_country() -> None:
    payload = {
        "lines": [
            {"sku": "MUG-001", "quantity": 2, "weight_grams": 350},
            {"sku": "TEE-001", "quantity": 1, "weight_grams": 200},
        ],
        "country": "fr",
    }

    response = APIClient().post(QUOTES, payload, format="json")

    assert response.status_code == 200
    assert response.json() == {
        "amount": "8.90",
        "currency": "EUR",
        "zone": "eu",
        "total_weight_grams": 900,
    }


def test_a_quote_beyond_every_band_is_unprocessable() -> None:
    payload = {"lines": [{"sku": "ANVIL", "quantity": 1, "weight_grams": 50_000}], "country": "DE"}

    response = APIClient().post(QUOTES, payload, format="json")

    assert response.status_code == 422
    assert response.json()["type"] == "/problems/no-shipping-rate"


def test_a_currency_without_rates_is_refused_by_the_schema_and_the_rate_table() -> None:
    response = APIClient().post(
        QUOTES,
        {"lines": [{"sku": "A", "quantity": 1, "weight_grams": 100}], "country": "DE",
         "currency": "USD"},
        format="json",
    )  # fmt: skip

    assert response.status_code == 400
    zone = Zone.objects.get(code="domestic")
    with pytest.raises(IntegrityError), transaction.atomic():
        Rate.objects.create(zone=zone, max_weight_grams=1000, amount="1.00", currency="USD")


def test_a_quote_request_without_lines_is_a_field_error() -> None:
    response = APIClient().post(QUOTES, {"lines": [], "country": "DE"}, format="json")

    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["lines"]


def test_a_real_access_token_is_enough_to_track_ones_shipment(bearer: BearerFactory) -> None:
    customer_id = uuid.uuid4()
    shipment = ShipmentFactory(customer_id=customer_id)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=bearer(customer_id, roles=["customer"]))

    response = client.get(detail(shipment.id))

    assert response.status_code == 200
    assert response.json()["tracking_number"] == shipment.tracking_number


def test_a_real_staff_token_is_enough_to_dispatch(bearer: BearerFactory) -> None:
    shipment = ShipmentFactory()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=bearer(roles=["staff"]))

    assert client.post(dispatch(shipment.id)).status_code == 200
