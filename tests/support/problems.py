"""Assertions about application/problem+json answers."""

from __future__ import annotations

from typing import Any

PROBLEM = "application/problem+json"


def problem_of(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


def error_fields(response: Any) -> set[str]:
    """The fields a 400 validation problem complains about."""
    return {error["field"] for error in problem_of(response, 400)["errors"]}
