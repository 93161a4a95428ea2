"""How orders' failures answer over HTTP: the problem+json bodies and their OpenAPI descriptions.

The views map each domain exception to one of these, so every endpoint words a failure the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers, status

from contexts.orders.pricing import FieldProblem
from contexts.orders.rest.idempotency import HEADER
from modulith.http import schema_errors
from modulith.http.authentication import Role
from modulith.http.problems import ProblemError

PROBLEM_400 = schema_errors.INVALID_INPUT
SIGNED_IN = schema_errors.signed_in()
CUSTOMERS_ONLY = schema_errors.role_only(Role.CUSTOMER)
PROBLEM_404 = schema_errors.problem_response("No such order, or it belongs to another customer")
PROBLEM_429 = schema_errors.TOO_MANY_REQUESTS
PROBLEM_409_IN_PROGRESS = OpenApiResponse(
    description=(
        "A request with this Idempotency-Key is still being processed: retry shortly "
        "(problem+json, type /problems/request-in-progress)."
    )
)
PROBLEM_409_NOT_CANCELLABLE = OpenApiResponse(
    description=(
        "Only a confirmed order that has not been dispatched can be cancelled "
        "(problem+json, type /problems/order-not-cancellable, with the order's status)."
    )
)
PROBLEM_422 = OpenApiResponse(
    description=(
        "A line names a sku the catalog does not have or no longer sells, or the products "
        "are priced in different currencies, or no shipping rate serves the address: what "
        "the catalog and the rates hold, which no schema can state (problem+json, type "
        "/problems/unprocessable-input, with errors such as lines[0].sku). Or this "
        "Idempotency-Key was already used for a request with a different body (type "
        "/problems/idempotency-key-reused)."
    )
)


def idempotency_key_reused() -> ProblemError:
    return ProblemError(
        status=status.HTTP_422_UNPROCESSABLE_ENTITY,
        problem_type="/problems/idempotency-key-reused",
        title="Idempotency key reused",
        detail=(
            f"This {HEADER} was already used for a different request; use a new key "
            "for a new order."
        ),
    )


def request_in_progress() -> ProblemError:
    return ProblemError(
        status=status.HTTP_409_CONFLICT,
        problem_type="/problems/request-in-progress",
        title="Request in progress",
        detail=f"A request with this {HEADER} is still being processed; retry shortly.",
    )


def order_not_cancellable(*, detail: str, order_status: str) -> ProblemError:
    return ProblemError(
        status=status.HTTP_409_CONFLICT,
        problem_type="/problems/order-not-cancellable",
        title="Order cannot be cancelled",
        detail=detail,
        order_status=order_status,
    )


def field_errors(problems: Sequence[FieldProblem]) -> dict[str, Any]:
    """Nest ("lines", 2, "sku") paths the way DRF nests serializer errors ({"lines": [{}, {},
    {"sku": [...]}]}), so the problem handler reports them as lines[2].sku like any other."""
    tree: dict[Any, Any] = {}
    for problem in problems:
        node = tree
        for part in problem.path[:-1]:
            node = node.setdefault(part, {})
        message = serializers.ErrorDetail(problem.message, code=problem.code)
        node.setdefault(problem.path[-1], []).append(message)
    nested = _indexed_as_lists(tree)
    assert isinstance(nested, dict)
    return nested


def _indexed_as_lists(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    children = {key: _indexed_as_lists(child) for key, child in node.items()}
    if children and all(isinstance(key, int) for key in children):
        return [children.get(index, {}) for index in range(max(children) + 1)]
    return children
