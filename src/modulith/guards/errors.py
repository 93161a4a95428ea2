"""What the run-time guards raise, and the record of what they caught.

A guard raises where the violation happens, but the code around it may swallow the error (a
handler's failure becomes a retry, a view's a 500 response). So every violation is also
recorded; the test kit fails the test that caused any, whatever happened to the exception.
"""

from __future__ import annotations

import threading

from modulith.rules import cite


class BoundaryViolation(RuntimeError):
    """A context crossed its boundary at run time. A programming error: fix the code."""

    rule: int = 0

    def __init__(self, problem: str, fix: str) -> None:
        super().__init__(f"{problem} [{cite(self.rule)}] Fix: {fix}")
        record(self)


class CrossContextQuery(BoundaryViolation):
    """a query issued by one context's code touches another context's tables"""

    rule = 3


class SideEffectInTransaction(BoundaryViolation):
    """a broker send, email or HTTP request while a context's database has a transaction open"""

    rule = 6


class ApiResultLeak(BoundaryViolation):
    """an @api_function returns a model instance, a QuerySet or a manager"""

    rule = 10


_lock = threading.Lock()
_caught: list[BoundaryViolation] = []


def record(violation: BoundaryViolation) -> None:
    with _lock:
        _caught.append(violation)


def take_caught() -> list[BoundaryViolation]:
    """The violations caught since the last call (and forget them)."""
    with _lock:
        caught = list(_caught)
        _caught.clear()
    return caught


GUARDS: tuple[type[BoundaryViolation], ...] = (
    CrossContextQuery,
    SideEffectInTransaction,
    ApiResultLeak,
)
