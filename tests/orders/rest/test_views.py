"""The orders REST API through DRF's test client: validation, idempotency, ownership, lists."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from rest_framework.test import APIClient

from contexts.orders.models import IdempotencyRecord, Order, OrderStatus
from modulith.http.authentication import TokenPrincipal
from tests.orders.conftest import ClientFor, FakeCatalog, FakeShipping
from tests.orders.factories import OrderFactory, OrderLineFactory, order_payload
from tests.support.problems import assert_problem_type

pytestmark = pytest.mark.django_db

ORDERS = "/api/orders/"


def place(client: APIClient, body: dict[str, Any], key: str | None = "key-1") -> Any:
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post(ORDERS, body, format="json", headers=headers)


def field_errors(response: Any) -> dict[str, str]:
    assert_problem_type(response)
    return {error["field"]: error["message"] for error in response.json()["errors"]}


@pytest.fixture
def shop(catalog: FakeCatalog, shipping: FakeShipping) -> FakeCatalog:
    """Stubbed catalog (MUG-1 10.00, TEE-1 19.99 EUR) and shipping (DE 4.90, FR 7.50)."""
    return catalog


@pytest.fixture
def as_customer(client_for: ClientFor, customer: TokenPrincipal) -> APIClient:
    return client_for(customer)


# --- Placing ------------------------------------------------------------------------------------


def test_a_customer_places_an_order_and_gets_it_back_pending(
    shop: FakeCatalog, as_customer: APIClient, customer: TokenPrincipal
) -> None:
    body = order_payload(lines=[{"sku": "MUG-1", "quantity": 2}, {"sku": "TEE-1", "quantity": 1}])

    response = place(as_customer, body)

    assert response.status_code == 201, response.content
    order = response.json()
    assert order["status"] == "pending"
    assert (order["stock_status"], order["payment_status"]) == ("pending", "pending")
    assert order["customer_id"] == str(customer.id)
    assert (order["subtotal"], order["shipping_cost"], order["total"]) == (
        "39.99",
        "4.90",
        "44.89",
    )
    assert order["lines"] == [
        {"sku": "MUG-1", "quantity": 2, "unit_price": "10.00", "line_total": "20.00"},
        {"sku": "TEE-1", "quantity": 1, "unit_price": "19.99", "line_total": "19.99"},
    ]
    assert order["shipping_address"]["country"] == "DE"
    assert response["Location"] == f"/api/orders/{order['id']}/"
    assert "Idempotent-Replayed" not in response


def test_placing_without_an_idempotency_key_is_a_400_problem(
    shop: FakeCatalog, as_customer: APIClient
) -> None:
    response = place(as_customer, order_payload(), key=None)

    assert response.status_code == 400
    assert "Idempotency-Key" in field_errors(response)
    assert not Order.objects.exists()


def test_an_idempotency_key_longer_than_255_characters_is_a_400_problem(
    shop: FakeCatalog, as_customer: APIClient
) -> None:
    response = place(as_customer, order_payload(), key="k" * 256)

    assert response.status_code == 400
    assert "Idempotency-Key" in field_errors(response)


def test_the_same_key_and_body_replays_the_first_response(
    shop: FakeCatalog, as_customer: APIClient
) -> None:
    body = order_payload()
    first = place(as_customer, body, key="retry-me")

    again = place(as_customer, body, key="retry-me")

    assert again.status_code == first.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.content == first.content
    assert Order.objects.count() == 1


def test_a_replay_answers_the_first_response_even_after_the_order_moved_on(
    shop: FakeCatalog, as_customer: APIClient
) -> None:
    body = order_payload()
    first = place(as_customer, body)
    Order.objects.update(status=OrderStatus.CONFIRMED)

    again = place(as_customer, body)

    assert again.json()["status"] == "pending"
    assert again.json() == first.json()


def test_the_same_key_with_a_different_body_is_a_422_problem(
    shop: FakeCatalog, as_customer: APIClient
) -> None:
    place(as_customer, order_payload(lines=[{"sku": "MUG-1", "quantity": 1}]))

    response = place(as_customer, order_payload(lines=[{"sku": "MUG-1", "quantity": 5}]))

    assert response.status_code == 422
    assert_problem_type(response)
    assert response.json()["type"] == "/problems/idempotency-key-reused"
    assert Order.objects.count() == 1


def test_the_body_fingerprint_ignores_key_order(shop: FakeCatalog, as_customer: APIClient) -> None:
    body = order_payload()
    place(as_customer, body)
    reordered = dict(reversed(list(body.items())))

    response = place(as_customer, reordered)

    assert response.status_code == 201
    assert response["Idempotent-Replayed"] == "true"


def test_a_refused_request_leaves_its_key_free_for_the_corrected_one(
    shop: FakeCatalog, as_customer: APIClient
) -> None:
    place(as_customer, order_payload(lines=[{"sku": "NOPE-1", "quantity": 1}]))

    response = place(as_customer, order_payload())

    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (order_payload(lines=[]), "lines"),
        (order_payload(lines=[{"sku": f"S-{n}", "quantity": 1} for n in range(51)]), "lines"),
        (order_payload(lines=[{"sku": "MUG-1", "quantity": 0}]), "lines[0].quantity"),
        (order_payload(lines=[{"sku": "MUG-1", "quantity": 101}]), "lines[0].quantity"),
        (order_payload(lines=[{"sku": "MUG-1"}]), "lines[0].quantity"),
        (order_payload(lines=[{"sku": "MUG-1", "quantity": 1, "price": "0.01"}]), "lines[0].price"),
        (order_payload(payment_method_id="not-a-uuid"), "payment_method_id"),
        ({"lines": [{"sku": "MUG-1", "quantity": 1}]}, "shipping_address"),
        (
            order_payload(
                shipping_address={"name": "A", "line1": "B", "city": "C", "country": "DE"}
            ),
            "shipping_address.postal_code",
        ),
        (
            order_payload(
                shipping_address={
                    "name": "A",
                    "line1": "B",
                    "city": "C",
                    "postal_code": "1",
                    "country": "Germany",
                }
            ),
            "shipping_address.country",
        ),
        (
            order_payload(
                shipping_address={
                    "name": "A",
                    "line1": "B",
                    "city": "C",
                    "postal_code": "1",
                    "country": "D1",
                }
            ),
            "shipping_address.country",
        ),
        ({**order_payload(), "discount": "100%"}, "discount"),
    ],
    ids=[
        "no lines",
        "51 lines",
        "quantity 0",
        "quantity 101",
        "quantity missing",
        "unknown line field",
        "payment method not a uuid",
        "address missing",
        "postal code missing",
        "country not alpha-2",
        "country not letters",
        "unknown field",
    ],
)
def test_invalid_requests_are_400_problems_naming_the_field(
    shop: FakeCatalog, as_customer: APIClient, body: dict[str, Any], field: str
) -> None:
    response = place(as_customer, body)

    assert response.status_code == 400
    assert field in field_errors(response)
    assert not Order.objects.exists()


def test_the_same_sku_on_two_lines_is_a_422_problem_at_the_second(
    shop: FakeCatalog, as_customer: APIClient
) -> None:
    # The schema cannot say that a property is unique among a list's items: a rule beyond it.
    body = order_payload(lines=[{"sku": "MUG-1", "quantity": 1}, {"sku": "MUG-1", "quantity": 2}])

    response = place(as_customer, body)

    assert response.status_code == 422
    assert list(field_errors(response)) == ["lines[1].sku"]
    assert not Order.objects.exists()


def test_an_unknown_sku_is_reported_at_its_line(shop: FakeCatalog, as_customer: APIClient) -> None:
    body = order_payload(lines=[{"sku": "MUG-1", "quantity": 1}, {"sku": "NOPE-1", "quantity": 1}])

    response = place(as_customer, body)

    assert response.status_code == 422
    assert list(field_errors(response)) == ["lines[1].sku"]


def test_a_retired_product_is_reported_at_its_line(
    shop: FakeCatalog, as_customer: APIClient
) -> None:
    shop.add("OLD-1", active=False)

    response = place(as_customer, order_payload(lines=[{"sku": "OLD-1", "quantity": 1}]))

    assert response.status_code == 422
    assert "no longer sold" in field_errors(response)["lines[0].sku"]


def test_products_in_two_currencies_are_a_422_problem(
    shop: FakeCatalog, as_customer: APIClient
) -> None:
    shop.add("CAP-1", "8.00", currency="USD")
    body = order_payload(lines=[{"sku": "MUG-1", "quantity": 1}, {"sku": "CAP-1", "quantity": 1}])

    response = place(as_customer, body)

    assert response.status_code == 422
    assert "lines" in field_errors(response)


def test_a_country_without_shipping_rate_is_reported_at_the_country(
    shop: FakeCatalog, as_customer: APIClient
) -> None:
    body = order_payload()
    body["shipping_address"]["country"] = "jp"

    response = place(as_customer, body)

    assert response.status_code == 422
    assert list(field_errors(response)) == ["shipping_address.country"]


def test_a_lower_case_country_is_accepted_and_stored_upper_case(
    shop: FakeCatalog, as_customer: APIClient
) -> None:
    body = order_payload()
    body["shipping_address"]["country"] = "fr"

    response = place(as_customer, body)

    assert response.status_code == 201
    assert response.json()["shipping_address"]["country"] == "FR"
    assert response.json()["shipping_cost"] == "7.50"


def test_staff_cannot_place_orders(
    shop: FakeCatalog, client_for: ClientFor, staff: TokenPrincipal
) -> None:
    response = place(client_for(staff), order_payload())

    assert response.status_code == 403
    assert_problem_type(response)


def test_an_anonymous_request_is_a_401_problem(shop: FakeCatalog) -> None:
    response = place(APIClient(), order_payload())

    assert response.status_code == 401
    assert_problem_type(response)


# --- Reading ------------------------------------------------------------------------------------


def test_a_customer_lists_only_their_own_orders_newest_first(
    as_customer: APIClient, customer: TokenPrincipal
) -> None:
    older = OrderFactory(customer_id=customer.id)
    newer = OrderFactory(customer_id=customer.id)
    OrderFactory()  # someone else's
    Order.objects.filter(id=older.id).update(placed_at=newer.placed_at.replace(year=2020))

    response = as_customer.get(ORDERS)

    assert response.status_code == 200
    page = response.json()
    assert page["count"] == 2
    assert [order["id"] for order in page["results"]] == [str(newer.id), str(older.id)]


def test_staff_list_every_customers_orders(client_for: ClientFor, staff: TokenPrincipal) -> None:
    OrderFactory.create_batch(3)

    response = client_for(staff).get(ORDERS)

    assert response.json()["count"] == 3


@pytest.mark.parametrize("limit", [2, 10])
def test_the_list_runs_three_queries_whatever_the_page_size(
    as_customer: APIClient,
    customer: TokenPrincipal,
    django_assert_num_queries: Any,
    limit: int,
) -> None:
    for order in OrderFactory.create_batch(10, customer_id=customer.id):
        OrderLineFactory.create_batch(2, order=order)

    # count, the page of orders, the lines of every order on the page
    with django_assert_num_queries(3):
        response = as_customer.get(ORDERS, {"limit": limit})

    assert len(response.json()["results"]) == limit
    assert all(len(order["lines"]) == 3 for order in response.json()["results"])


def test_a_customer_reads_their_own_order(as_customer: APIClient, customer: TokenPrincipal) -> None:
    order = OrderFactory(customer_id=customer.id, confirmed=True)

    response = as_customer.get(f"{ORDERS}{order.id}/")

    assert response.status_code == 200
    assert response.json()["status"] == "confirmed"


def test_another_customers_order_is_not_found(
    as_customer: APIClient, other_customer: TokenPrincipal
) -> None:
    theirs = OrderFactory(customer_id=other_customer.id)

    response = as_customer.get(f"{ORDERS}{theirs.id}/")

    assert response.status_code == 404
    assert_problem_type(response)


def test_staff_read_any_order(client_for: ClientFor, staff: TokenPrincipal) -> None:
    order = OrderFactory()

    response = client_for(staff).get(f"{ORDERS}{order.id}/")

    assert response.status_code == 200


def test_an_unknown_order_is_not_found(as_customer: APIClient) -> None:
    response = as_customer.get(f"{ORDERS}{uuid.uuid4()}/")

    assert response.status_code == 404


# --- Cancelling ---------------------------------------------------------------------------------


def test_the_customer_cancels_their_confirmed_order(
    as_customer: APIClient, customer: TokenPrincipal
) -> None:
    order = OrderFactory(customer_id=customer.id, confirmed=True)

    response = as_customer.post(f"{ORDERS}{order.id}/cancel/")

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED


def test_a_customer_cannot_cancel_another_customers_order(
    as_customer: APIClient, other_customer: TokenPrincipal
) -> None:
    theirs = OrderFactory(customer_id=other_customer.id, confirmed=True)

    response = as_customer.post(f"{ORDERS}{theirs.id}/cancel/")

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == OrderStatus.CONFIRMED


def test_staff_cancel_any_confirmed_order(client_for: ClientFor, staff: TokenPrincipal) -> None:
    order = OrderFactory(confirmed=True)

    response = client_for(staff).post(f"{ORDERS}{order.id}/cancel/")

    assert response.status_code == 200


@pytest.mark.parametrize("trait", ["pending", "shipped", "rejected", "cancelled"])
def test_cancelling_an_order_that_is_not_confirmed_is_a_409_problem(
    as_customer: APIClient, customer: TokenPrincipal, trait: str
) -> None:
    order = OrderFactory(customer_id=customer.id, **({trait: True} if trait != "pending" else {}))

    response = as_customer.post(f"{ORDERS}{order.id}/cancel/")

    assert response.status_code == 409
    assert_problem_type(response)
    problem = response.json()
    assert problem["type"] == "/problems/order-not-cancellable"
    assert problem["order_status"] == order.status


def test_the_idempotency_record_keeps_the_first_response(
    shop: FakeCatalog, as_customer: APIClient, customer: TokenPrincipal
) -> None:
    response = place(as_customer, order_payload(), key="kept")

    record = IdempotencyRecord.objects.get(customer_id=customer.id, key="kept")
    assert record.response_status == 201
    assert str(record.order_id) == response.json()["id"]
