"""Assertions about paginated list endpoints."""

from __future__ import annotations

from typing import Any, Protocol

from pytest_django.fixtures import DjangoAssertNumQueries


def assert_any_page_costs_the_same(
    client: Any, url: str, *, rows: int, assert_num_queries: DjangoAssertNumQueries
) -> None:
    """A page of one row and a page of all `rows` take the same two queries (the count and the
    page): the serializer runs no query per row. `rows` rows must exist for this client."""
    with assert_num_queries(2):
        small = client.get(url, {"limit": 1})
    with assert_num_queries(2):
        large = client.get(url, {"limit": rows})

    assert len(small.json()["results"]) == 1
    assert small.json()["next"] is not None
    assert len(large.json()["results"]) == rows


class PagesCostTheSame(Protocol):
    """The `pages_cost_the_same` fixture (tests/conftest.py): the assertion above, its query
    counter already given."""

    def __call__(self, client: Any, url: str, *, rows: int) -> None: ...
