"""One page of a list view's results, serialized, in the paginator's envelope.

The view keeps its `pagination_class` attribute: drf-spectacular reads it to describe the paged
response, and the view's one domain call (the selector producing `items`) stays in the view.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView


def paginated_response(
    *,
    view: APIView,
    items: QuerySet[Any] | Sequence[Any],
    output: type[BaseSerializer[Any]],
) -> Response:
    """Paginate `items` with the view's `pagination_class` and render the page with `output`."""
    paginator: BasePagination = view.pagination_class()  # type: ignore[attr-defined]
    page = paginator.paginate_queryset(items, view.request, view=view)
    return paginator.get_paginated_response(output(page, many=True).data)
