"""Assertions on error answers (application/problem+json, see modulith.http.problems)."""

from __future__ import annotations

from typing import Any


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


def assert_unauthorized(response: Any) -> dict[str, Any]:
    body = assert_problem(response, 401)
    # A 401 must say how to authenticate (RFC 9110 section 15.5.2).
    assert response["WWW-Authenticate"].startswith("Bearer")
    return body


def field_errors(body: dict[str, Any]) -> dict[str, list[str]]:
    """The validation errors of a problem, by field."""
    errors: dict[str, list[str]] = {}
    for error in body.get("errors", []):
        errors.setdefault(error["field"], []).append(error["message"])
    return errors
