"""A database connection lost during a request: run again where safe, else 503 with Retry-After.

The connection is really lost: the view has PostgreSQL terminate its own backend.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from rest_framework.test import APIClient

from tests.edge import lost_connection_urls
from tests.support.problems import assert_problem_type

pytestmark = [
    pytest.mark.urls("tests.edge.lost_connection_urls"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _fresh_counts(postgres: None) -> Iterator[None]:
    lost_connection_urls.calls.clear()
    yield
    lost_connection_urls.calls.clear()


def test_a_read_runs_again_on_a_fresh_connection() -> None:
    response = APIClient().get("/losing/")

    assert response.status_code == 200
    assert response.json() == {"ran": 2}


def test_a_write_with_its_idempotency_key_runs_again_with_the_same_body() -> None:
    response = APIClient().post(
        "/idempotent/", {"sku": "A-1"}, format="json", HTTP_IDEMPOTENCY_KEY="key-1"
    )

    assert response.status_code == 201
    assert response.json() == {"ran": 2, "echo": {"sku": "A-1"}}


def test_a_write_without_an_idempotency_key_is_a_503_problem_and_not_run_again() -> None:
    response = APIClient().post("/idempotent/", {"sku": "A-1"}, format="json")

    assert response.status_code == 503
    assert_problem_type(response)
    assert response["Retry-After"] == "1"
    assert lost_connection_urls.calls["post"] == 1


def test_a_write_the_view_does_not_declare_idempotent_is_not_run_again() -> None:
    response = APIClient().post(
        "/losing/", {"sku": "A-1"}, format="json", HTTP_IDEMPOTENCY_KEY="key-2"
    )

    assert response.status_code == 503
    assert lost_connection_urls.calls["post"] == 1


def test_a_read_that_loses_its_connection_twice_is_a_503_problem() -> None:
    response = APIClient().get("/always/")

    assert response.status_code == 503
    assert response["Retry-After"] == "1"
    assert lost_connection_urls.calls["always"] == 2


def test_the_next_request_gets_a_working_connection() -> None:
    APIClient().get("/always/")

    assert APIClient().get("/losing/").status_code == 200
