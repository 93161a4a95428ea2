"""Throttles where passwords or money are tried, counted in the cache (Redis when configured).

- `AddressRateThrottle`: per client address even when a token is sent (public quotes), so one
  address cannot spread its requests over many accounts' budgets.
- `throttled_by_address`: the same for a plain Django view, the admin's log-in form: without it
  the form is a way around the token endpoint's limit on password guesses.

A scope's rate is REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][scope]; behind proxies the address is
taken from X-Forwarded-For as NUM_PROXIES says (rest_framework.throttling.get_ident).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from rest_framework.throttling import ScopedRateThrottle, SimpleRateThrottle


class AddressRateThrottle(ScopedRateThrottle):
    """The view's `throttle_scope`, counted per client address whoever is logged in."""

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class _ScopeByAddress(SimpleRateThrottle):
    def __init__(self, scope: str) -> None:
        self.scope = scope
        super().__init__()

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def throttled_by_address(
    view: Callable[..., HttpResponseBase], *, scope: str, methods: tuple[str, ...] = ("POST",)
) -> Callable[..., HttpResponseBase]:
    """`view`, answering 429 with Retry-After once an address spent its `scope` budget."""

    @wraps(view)
    def throttled(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method in methods:
            throttle = _ScopeByAddress(scope)
            # DRF's throttles read only META (the address) from the request, never the view.
            if not throttle.allow_request(request, None):  # type: ignore[arg-type]
                wait = math.ceil(throttle.wait() or 1)
                return HttpResponse(
                    f"Too many attempts from your address: try again in {wait} seconds.",
                    status=429,
                    content_type="text/plain; charset=utf-8",
                    headers={"Retry-After": str(wait)},
                )
        return view(request, *args, **kwargs)

    return throttled
