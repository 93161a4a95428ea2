"""Assertions about application/problem+json answers (see modulith.http.problems).

They take a Django test response or an httpx response alike, and check the content type one
way everywhere: the media type must be application/problem+json (parameters aside).
"""

from __future__ import annotations

from typing import Any

PROBLEM = "application/problem+json"


def assert_problem_type(response: Any) -> None:
    content_type = response.headers.get("Content-Type", "")
    media_type = content_type.split(";", 1)[0].strip().lower()
    assert media_type == PROBLEM, f"content type {content_type!r}, not {PROBLEM}"


def problem_of(response: Any, status: int) -> dict[str, Any]:
    """The body of a problem answer with `status`, after checking that it is one."""
    assert response.status_code == status, response.content
    assert_problem_type(response)
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


def assert_unauthorized(response: Any) -> dict[str, Any]:
    body = problem_of(response, 401)
    # A 401 must say how to authenticate (RFC 9110 section 15.5.2).
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    return body


def error_fields(response: Any) -> set[str]:
    """The fields a 400 validation problem complains about."""
    return {error["field"] for error in problem_of(response, 400)["errors"]}


def field_errors(body: dict[str, Any]) -> dict[str, list[str]]:
    """The validation errors of a problem body, by field."""
    errors: dict[str, list[str]] = {}
    for error in body.get("errors", []):
        errors.setdefault(error["field"], []).append(error["message"])
    return errors
