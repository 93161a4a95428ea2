"""What a remote api call raises besides the exceptions its api module declares."""

from __future__ import annotations

from rest_framework import status

from modulith.http.problems import ProblemError

UNAVAILABLE = "/problems/remote-api-unavailable"


class RemoteApiUnavailable(ProblemError):
    """A remote context's api did not answer usefully: unreachable, too slow, an error status,
    an answer this process cannot decode, or a circuit breaker that is open.

    A DRF APIException with status 503, so any view that lets it through answers a
    `/problems/remote-api-unavailable` problem (with Retry-After while the breaker is open)
    without code of its own. `reason` says what happened, for logs; the problem's detail stays
    free of internal addresses.
    """

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "remote_api_unavailable"

    def __init__(self, *, function: str, reason: str, retry_after: float | None = None) -> None:
        super().__init__(
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            problem_type=UNAVAILABLE,
            title="Service Unavailable",
            detail=f"{function} is temporarily unavailable; try again shortly.",
        )
        self.function = function
        self.reason = reason
        # Read by the problem handler as the Retry-After header (as for throttled requests).
        self.wait = retry_after

    def __str__(self) -> str:
        return f"{self.function} is unavailable: {self.reason}"


class RemoteCallInTransaction(RuntimeError):
    """A remote api was called while a database transaction was open (rule 6, docs/rules.md#rule-6).

    A programming error, raised before any network traffic: the transaction would hold its locks
    and connection for as long as the other process takes, and a rollback could not undo what the
    other process did.
    """
