"""Every list of the API is paged with `limit` and `offset`, both bounded and both checked.

DRF's LimitOffsetPagination silently falls back to its defaults on `limit=-1` or `limit=abc`
and passes an `offset` beyond 64 bits on to the database (a 500). Here a malformed, repeated or
out-of-range value answers a 400 validation problem naming the parameter, a page holds at most
MAX_PAGE_SIZE items, and the schema states both bounds.

A list refuses query parameters it does not declare: `limit`, `offset` and the names in the view's
`query_parameter_names` (its filters).

`paginated_response` renders one page: the view keeps its `pagination_class` attribute, which
drf-spectacular reads to describe the paged response, and its one domain call (the selector
producing `items`) stays in the view. `cached_paginated_response` does the same through a read
cache (modulith.contexts.caching): it keeps the count and the rendered items of a page, not the
links, which depend on the request's address.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.views import APIView

from modulith.contexts.caching import VersionedCache
from modulith.http.inputs import refuse_unknown_query_parameters
from modulith.http.representation import represent_many, representation_key

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# Far beyond any list the shop holds, far below the 64-bit integers the database accepts.
MAX_OFFSET = 1_000_000


@dataclass(frozen=True)
class Page:
    """One page of a list: how many items the whole list has, and the page's rendered items."""

    count: int
    items: tuple[dict[str, Any], ...]


class BoundedLimitOffsetPagination(pagination.LimitOffsetPagination):
    """REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"] and every list view's `pagination_class`."""

    default_limit = DEFAULT_PAGE_SIZE
    max_limit = MAX_PAGE_SIZE
    max_offset = MAX_OFFSET

    def paginate_queryset(
        self, queryset: Any, request: Request, view: APIView | None = None
    ) -> list[Any] | None:
        self._refuse_unknown_parameters(request, view)
        return super().paginate_queryset(queryset, request, view)

    def page_asked_for(self, request: Request, view: APIView) -> tuple[int, int]:
        """Check the query string as paginate_queryset does and note the page it asks for,
        reading no rows: (limit, offset)."""
        self._refuse_unknown_parameters(request, view)
        self.request = request
        self.limit = self.get_limit(request)
        self.offset = self.get_offset(request)
        return self.limit, self.offset

    def page_response(self, page: Page) -> Response:
        """The response of a page built earlier, with the links of this request."""
        self.count = page.count
        return self.get_paginated_response(list(page.items))

    def _refuse_unknown_parameters(self, request: Request, view: APIView | None) -> None:
        filters = getattr(view, "query_parameter_names", ())
        accepted = (self.limit_query_param, self.offset_query_param, *filters)
        refuse_unknown_query_parameters(request.query_params, accepted)

    def get_limit(self, request: Request) -> int:
        return self._bounded(request, self.limit_query_param, 1, self.max_limit, self.default_limit)

    def get_offset(self, request: Request) -> int:
        return self._bounded(request, self.offset_query_param, 0, self.max_offset, 0)

    def _bounded(self, request: Request, name: str, low: int, high: int, default: int) -> int:
        values = request.query_params.getlist(name)
        if not values:
            return default
        message = f"Use one integer from {low} to {high}."
        # isdigit() alone would let through "²" and other Unicode digits that int() refuses.
        if len(values) > 1 or not (values[0].isascii() and values[0].isdigit()):
            raise ValidationError({name: [message]}, code="invalid")
        # At most 7 digits are compared as text first, so a 10,000-digit number costs nothing.
        if len(values[0]) > len(str(high)) or not low <= int(values[0]) <= high:
            raise ValidationError({name: [message]}, code="out_of_range")
        return int(values[0])

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        bounds = {
            self.limit_query_param: {"minimum": 1, "maximum": self.max_limit},
            self.offset_query_param: {"minimum": 0, "maximum": self.max_offset},
        }
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters


def paginated_response(
    *,
    view: APIView,
    items: QuerySet[Any] | Sequence[Any],
    output: type[Serializer[Any]],
) -> Response:
    """Paginate `items` with the view's `pagination_class` and render the page with `output`
    (bound once per process: modulith.http.representation)."""
    paginator: pagination.BasePagination = view.pagination_class()  # type: ignore[attr-defined]
    page = paginator.paginate_queryset(items, view.request, view=view)
    return paginator.get_paginated_response(represent_many(output, page or ()))


def cached_paginated_response(
    *,
    view: APIView,
    items: Callable[[], QuerySet[Any]],
    output: type[Serializer[Any]],
    cache: VersionedCache,
    scope: str,
    key: str,
) -> Response:
    """paginated_response through `cache`: the page is kept under `key` and what `output`
    renders (a new declaration of it never meets an old page).

    `key` must name everything that selects the page, limit and offset included, and who may
    see it: the query string as sent and the caller's role, say. `items` is called on a miss
    only, and may validate the request and raise: a page is stored only once it was served, so
    a hit needs no validation but the limit's and the offset's (the links need them).
    """
    paginator: BoundedLimitOffsetPagination = view.pagination_class()  # type: ignore[attr-defined]

    def build() -> Page:
        page = paginator.paginate_queryset(items(), view.request, view=view)
        count = paginator.count or 0
        return Page(count=count, items=tuple(represent_many(output, page or ())))

    page = cache.get(scope, f"{representation_key(output)}:{key}", build)
    paginator.page_asked_for(view.request, view)
    return paginator.page_response(page)
