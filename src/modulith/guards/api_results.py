"""api-result guard: an @api_function that returns a model, a QuerySet or a manager fails.

Such a result drags the providing context's database into the caller: the caller would query
tables that are not its own, and the call could never go over HTTP.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from modulith.guards.errors import ApiResultLeak


def _leak(value: Any) -> str:
    if isinstance(value, models.Model):
        return f"a {value._meta.label} model instance"
    if isinstance(value, models.QuerySet):
        return f"a QuerySet of {value.model._meta.label}"
    if isinstance(value, models.Manager):
        return "a model manager"
    return ""


def check_api_result(function: str, result: Any) -> None:
    """Raise ApiResultLeak if `result`, or an item of a collection it is, is a model thing."""
    items = list(result.values()) if isinstance(result, dict) else [result]
    if isinstance(result, list | tuple | set | frozenset):
        items = list(result)
    for item in [result, *items]:
        leak = _leak(item)
        if leak:
            raise ApiResultLeak(
                f"The api function {function} returned {leak}.",
                "return a frozen dataclass (DTO) built from the model's fields; the caller "
                "must not reach the providing context's tables.",
            )
