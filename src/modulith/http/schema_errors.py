"""Error responses for @extend_schema, worded the same way in every context.

The postprocessing hook of modulith.http.openapi already gives every operation its error
responses with the Problem body. A view declares one only to say what the error means for that
operation; these builders keep the recurring sentences (bad input, no token, wrong role) in one
place, so a context does not reword them.

Every operation that needs a token declares one of the standard sets, by who may call it:
`signed_in()` (401) or `role_only(role)` (401 and 403), spread into its responses:
`responses={200: ProductOutput, **STAFF_ONLY, 404: PROBLEM_404}`.

`marked=False` leaves out the "(problem+json)" note: some contexts' committed OpenAPI snapshots
(contracts/openapi/) were written without it. Dropping the flag is a wording change of those
snapshots, to be made with `manage.py openapi_contracts --write`.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse

MARK = "(problem+json)"

INVALID_INPUT = OpenApiResponse(description="Invalid input (problem+json, with field errors).")
TOO_MANY_REQUESTS = OpenApiResponse(
    description="Too many requests; retry after Retry-After seconds (problem+json)."
)


def problem_response(summary: str, *, marked: bool = True) -> OpenApiResponse:
    """An error response described by `summary`, one sentence without its full stop."""
    return OpenApiResponse(description=f"{summary} {MARK}." if marked else f"{summary}.")


def unauthorized(*, marked: bool = True) -> OpenApiResponse:
    """401: the operation needs a valid access token."""
    return problem_response("No valid access token", marked=marked)


def lacks_role(role: str, *, marked: bool = True) -> OpenApiResponse:
    """403: the token is valid but does not carry `role`."""
    return problem_response(f"The token lacks the {role} role", marked=marked)


def signed_in(*, marked: bool = True) -> dict[int, OpenApiResponse]:
    """The problems of an operation any caller with a valid access token may use: 401."""
    return {401: unauthorized(marked=marked)}


def role_only(role: str, *, marked: bool = True) -> dict[int, OpenApiResponse]:
    """The problems of an operation for callers whose token carries `role`: 401 and 403."""
    return {**signed_in(marked=marked), 403: lacks_role(role, marked=marked)}
