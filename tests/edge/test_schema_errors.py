"""The standard problem-response sets: one wording of 401 and 403 for every context."""

from __future__ import annotations

from modulith.http import schema_errors
from modulith.http.authentication import Role


def test_an_operation_for_any_signed_in_caller_declares_401_only() -> None:
    problems = schema_errors.signed_in()

    assert list(problems) == [401]
    assert problems[401].description == "No valid access token (problem+json)."


def test_an_operation_for_one_role_declares_401_then_403_naming_the_role() -> None:
    problems = schema_errors.role_only(Role.STAFF, marked=False)

    assert list(problems) == [401, 403]
    assert problems[401].description == "No valid access token."
    assert problems[403].description == f"The token lacks the {Role.STAFF} role."
