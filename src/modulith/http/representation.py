"""Output serializers rendered without being built again for every response.

`OrderOutput(order).data` builds a serializer and deep-copies every declared field into it
(nested serializers included) before rendering a single value; for a read request that copy
cost more than the rendering itself. The fields of an output serializer never change after they
are bound, and rendering reads them without writing, so one bound instance per class renders
every response of the process, from any thread:

    return Response(represent(OrderOutput, order))
    return paginator.get_paginated_response(represent_many(ProductOutput, page))

The serializer stays the one definition of the representation (and of the OpenAPI schema
drf-spectacular derives from it). Only for serializers whose fields need no context: a field
that reads `self.context` (the request, for hyperlinks) would find none.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

from rest_framework.serializers import BaseSerializer, ListSerializer, Serializer


def represent(output: type[Serializer[Any]], instance: Any) -> dict[str, Any]:
    """What `output(instance).data` is, as a plain dict."""
    return _bound(output).to_representation(instance)


def represent_many(output: type[Serializer[Any]], instances: Iterable[Any]) -> list[dict[str, Any]]:
    """What `output(instances, many=True).data` is, as a plain list."""
    serializer = _bound(output)
    return [serializer.to_representation(instance) for instance in instances]


@cache
def _bound(output: type[Serializer[Any]]) -> Serializer[Any]:
    serializer = output()
    _bind_all(serializer)
    return serializer


def _bind_all(serializer: BaseSerializer[Any]) -> None:
    """Bind the fields of the serializer and of every serializer nested in it now, once, so
    that no two threads ever bind them lazily at the same time."""
    if isinstance(serializer, ListSerializer):
        _bind_all(serializer.child)  # type: ignore[arg-type]
    elif isinstance(serializer, Serializer):
        for field in serializer.fields.values():
            if isinstance(field, BaseSerializer):
                _bind_all(field)
