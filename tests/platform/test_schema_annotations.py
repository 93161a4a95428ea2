"""The kernel's extend_schema and extend_schema_view describe an operation exactly as
drf-spectacular's do, applied when a schema is generated instead of when the view loads."""

from __future__ import annotations

from typing import Any

from django.urls import path
from drf_spectacular import utils as spectacular
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modulith.http import schema as deferred
from modulith.http.openapi import SchemaGenerator


class Note(serializers.Serializer):
    text = serializers.CharField(max_length=20)


class Receipt(serializers.Serializer):
    id = serializers.UUIDField()


def note_views(annotations: Any) -> type[APIView]:
    """A view annotated with one decorator module's extend_schema and extend_schema_view."""

    @annotations.extend_schema_view(
        get=annotations.extend_schema(summary="Read the note", responses={200: Note}),
    )
    class Notes(APIView):
        authentication_classes = ()
        permission_classes = ()

        def get(self, request: Request) -> Response:
            return Response({"text": "hello"})

        @annotations.extend_schema(
            summary="Leave a note", tags=["notes"], request=Note, responses={201: Receipt}
        )
        def post(self, request: Request) -> Response:
            return Response(status=201)

    return Notes


def operations(view: type[APIView]) -> dict[str, Any]:
    generated = SchemaGenerator(patterns=[path("notes/", view.as_view())]).get_schema(
        request=None, public=True
    )
    return dict(generated["paths"]["/notes/"])


def test_the_view_is_left_as_it_is_until_a_schema_is_generated() -> None:
    view = note_views(deferred)

    # drf-spectacular's decorators leave their schema class in each method's kwargs.
    assert [vars(getattr(view, method)).get("kwargs") for method in ("get", "post")] == [None, None]


def test_the_operations_are_those_drf_spectaculars_decorators_describe() -> None:
    assert operations(note_views(deferred)) == operations(note_views(spectacular))


def test_a_generated_operation_carries_what_the_annotations_say() -> None:
    described = operations(note_views(deferred))

    assert described["get"]["summary"] == "Read the note"
    assert described["post"]["summary"] == "Leave a note"
    assert described["post"]["tags"] == ["notes"]
    assert set(described["post"]["responses"]) >= {"201"}
