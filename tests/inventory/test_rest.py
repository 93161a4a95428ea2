"""Inventory over HTTP: staff stock levels and adjustments, public availability."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from rest_framework.test import APIClient

from contexts.inventory import services
from contexts.inventory.models import StockAdjustment, StockItem
from modulith.http.authentication import Role, TokenPrincipal
from tests.inventory.factories import StockItemFactory
from tests.support.problems import error_fields, problem_of

pytestmark = pytest.mark.django_db

STOCK = "/api/inventory/stock/"


def adjustments_url(sku: str) -> str:
    return f"{STOCK}{sku}/adjustments/"


def test_staff_list_stock_levels_by_sku(staff_client: APIClient) -> None:
    StockItemFactory(sku="B-1", on_hand=5, reserved=2)
    StockItemFactory(sku="A-1", on_hand=0)

    response = staff_client.get(STOCK)

    assert response.status_code == 200
    assert [
        (row["sku"], row["on_hand"], row["reserved"], row["available"])
        for row in response.json()["results"]
    ] == [("A-1", 0, 0, 0), ("B-1", 5, 2, 3)]


@pytest.mark.parametrize("page_size", [1, 10, 30])
def test_the_stock_list_runs_two_queries_whatever_the_page_size(
    staff_client: APIClient, django_assert_num_queries: Any, page_size: int
) -> None:
    StockItemFactory.create_batch(30)

    with django_assert_num_queries(2):
        response = staff_client.get(STOCK, {"limit": page_size})

    assert response.json()["count"] == 30
    assert len(response.json()["results"]) == page_size


@pytest.mark.parametrize(("client_name", "status"), [("anonymous", 401), ("customer", 403)])
def test_only_staff_see_stock_levels(
    request: pytest.FixtureRequest, client_name: str, status: int
) -> None:
    client: APIClient = request.getfixturevalue(f"{client_name}_client")

    response = client.get(STOCK)

    problem_of(response, status)


def test_anyone_asks_how_many_units_of_a_sku_are_available(anonymous_client: APIClient) -> None:
    StockItemFactory(sku="MUG-1", on_hand=5, reserved=2)

    response = anonymous_client.get(f"{STOCK}MUG-1/")

    assert response.status_code == 200
    assert response.json() == {"sku": "MUG-1", "available": 3}


def test_availability_of_an_untracked_sku_is_not_found(anonymous_client: APIClient) -> None:
    response = anonymous_client.get(f"{STOCK}GHOST-1/")

    problem_of(response, 404)


def test_staff_adjust_stock_and_the_log_records_who_and_why() -> None:
    StockItemFactory(sku="MUG-1", on_hand=5)
    staff = TokenPrincipal(id=uuid.uuid4(), roles=frozenset({Role.STAFF}))
    client = APIClient()
    client.force_authenticate(user=staff)

    response = client.post(
        adjustments_url("MUG-1"), {"delta": 10, "reason": "delivery 42"}, format="json"
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["sku"], body["delta"], body["on_hand_after"], body["reason"]) == (
        "MUG-1",
        10,
        15,
        "delivery 42",
    )
    assert body["actor_id"] == str(staff.id)
    assert StockItem.objects.get(sku="MUG-1").on_hand == 15
    assert StockAdjustment.objects.get().actor_id == staff.id


def test_an_adjustment_below_the_reserved_units_is_a_409_problem(staff_client: APIClient) -> None:
    StockItemFactory(sku="MUG-1", on_hand=5, reserved=4)

    response = staff_client.post(
        adjustments_url("MUG-1"), {"delta": -2, "reason": "breakage"}, format="json"
    )

    body = problem_of(response, 409)
    assert body["type"] == "/problems/stock-below-reserved"
    assert (body["on_hand"], body["reserved"]) == (5, 4)
    assert StockItem.objects.get(sku="MUG-1").on_hand == 5
    assert not StockAdjustment.objects.exists()


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({"delta": 0, "reason": "x"}, {"delta"}),
        ({"delta": "many", "reason": "x"}, {"delta"}),
        ({"delta": 1.5, "reason": "x"}, {"delta"}),
        ({"delta": 2_000_000, "reason": "x"}, {"delta"}),
        ({"delta": 1}, {"reason"}),
        ({"delta": 1, "reason": "  "}, {"reason"}),
        ({"reason": "x"}, {"delta"}),
    ],
)
def test_invalid_adjustments_answer_400(
    staff_client: APIClient, payload: dict[str, Any], fields: set[str]
) -> None:
    StockItemFactory(sku="MUG-1", on_hand=5)

    response = staff_client.post(adjustments_url("MUG-1"), payload, format="json")

    assert error_fields(response) == fields


def test_adjusting_an_untracked_sku_is_not_found(staff_client: APIClient) -> None:
    response = staff_client.post(
        adjustments_url("GHOST-1"), {"delta": 1, "reason": "x"}, format="json"
    )

    problem_of(response, 404)


@pytest.mark.parametrize(("client_name", "status"), [("anonymous", 401), ("customer", 403)])
def test_only_staff_adjust_stock(
    request: pytest.FixtureRequest, client_name: str, status: int
) -> None:
    StockItemFactory(sku="MUG-1", on_hand=5)
    client: APIClient = request.getfixturevalue(f"{client_name}_client")

    response = client.post(adjustments_url("MUG-1"), {"delta": 1, "reason": "x"}, format="json")

    problem_of(response, status)
    assert StockItem.objects.get(sku="MUG-1").on_hand == 5


def test_staff_read_a_skus_adjustments_newest_first(staff_client: APIClient) -> None:
    StockItemFactory(sku="MUG-1", on_hand=0)
    StockItemFactory(sku="TEA-1", on_hand=0)
    for delta in (5, -1, 3):
        services.stock_adjust(sku="MUG-1", delta=delta, reason="count", actor_id=None)
    services.stock_adjust(sku="TEA-1", delta=9, reason="other sku", actor_id=None)

    response = staff_client.get(adjustments_url("MUG-1"))

    assert response.status_code == 200
    assert [row["delta"] for row in response.json()["results"]] == [3, -1, 5]
    assert [row["on_hand_after"] for row in response.json()["results"]] == [7, 4, 5]


@pytest.mark.parametrize("page_size", [1, 20])
def test_the_adjustment_log_runs_three_queries_whatever_the_page_size(
    staff_client: APIClient, django_assert_num_queries: Any, page_size: int
) -> None:
    StockItemFactory(sku="MUG-1", on_hand=0)
    for _ in range(20):
        services.stock_adjust(sku="MUG-1", delta=1, reason="count", actor_id=None)

    with django_assert_num_queries(3):  # the sku exists, the count, the page
        response = staff_client.get(adjustments_url("MUG-1"), {"limit": page_size})

    assert len(response.json()["results"]) == page_size


def test_the_log_of_an_untracked_sku_is_not_found(staff_client: APIClient) -> None:
    response = staff_client.get(adjustments_url("GHOST-1"))

    problem_of(response, 404)
