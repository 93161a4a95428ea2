"""A test-only urlconf: the real routes plus views that fail in every way an API can.

Tests select it with @pytest.mark.urls("tests.platform.urls"). The error handlers are the real
ones, re-exported from config.urls.
"""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path
from django.views import View
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from config.urls import handler400, handler403, handler404, handler500
from config.urls import urlpatterns as real_urlpatterns
from modulith.http.problems import ProblemError, validation_error

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


class LineInput(serializers.Serializer):
    sku = serializers.CharField(max_length=8)
    quantity = serializers.IntegerField(min_value=1)


class AddressInput(serializers.Serializer):
    street = serializers.CharField()
    postcode = serializers.CharField(max_length=5)


class OrderInput(serializers.Serializer):
    lines = LineInput(many=True, allow_empty=False)
    address = AddressInput()
    tags = serializers.ListField(child=serializers.CharField(max_length=3), required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("tags") == ["no"]:
            raise serializers.ValidationError("An order tagged 'no' is refused.")
        return attrs


class OpenView(APIView):
    authentication_classes = ()
    permission_classes = (AllowAny,)


class OrdersView(OpenView):
    """POST only, with a nested serializer."""

    def post(self, request: Request) -> Response:
        serializer = OrderInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(serializer.validated_data, status=201)


class PrivateView(APIView):
    """The project's default authentication and permissions: a token is required."""

    def get(self, request: Request) -> Response:
        return Response({"secret": True})


class OncePerMinute(AnonRateThrottle):
    scope = "platform-test"
    rate = "1/min"


class ThrottledView(OpenView):
    throttle_classes = (OncePerMinute,)

    def get(self, request: Request) -> Response:
        return Response({"ok": True})


class MissingView(OpenView):
    def get(self, request: Request) -> Response:
        raise Http404("No widget 7.")


class ForbiddenView(OpenView):
    def get(self, request: Request) -> Response:
        raise PermissionDenied("Widgets are for staff.")


class CrashView(OpenView):
    def get(self, request: Request) -> Response:
        raise RuntimeError("connection to db.internal:5432 refused, password hunter2")


class ConflictView(OpenView):
    def post(self, request: Request) -> Response:
        raise ProblemError(
            status=409,
            problem_type="/problems/out-of-stock",
            title="Out of stock",
            detail="Only 2 of SKU-1 are left.",
            sku="SKU-1",
        )


class DomainValidationView(OpenView):
    def post(self, request: Request) -> Response:
        raise validation_error(
            [
                (("lines", 1, "sku"), "No product has sku 'X'.", "unknown_sku"),
                ((), "The basket is empty.", "empty"),
            ]
        )


class ModelValidationView(OpenView):
    def post(self, request: Request) -> Response:
        raise DjangoValidationError({"price": ["Ensure this value is positive."]})


class PlainView(View):
    """A plain Django view (no DRF): GET only, and POST reads the body."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse("plain")


class PlainBodyView(View):
    def post(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse(f"{len(request.body)} bytes")


urlpatterns: list[URLPattern | URLResolver] = [
    path("test/orders/", OrdersView.as_view()),
    path("test/private/", PrivateView.as_view()),
    path("test/throttled/", ThrottledView.as_view()),
    path("test/missing/", MissingView.as_view()),
    path("test/forbidden/", ForbiddenView.as_view()),
    path("test/crash/", CrashView.as_view()),
    path("test/conflict/", ConflictView.as_view()),
    path("test/domain-validation/", DomainValidationView.as_view()),
    path("test/model-validation/", ModelValidationView.as_view()),
    path("test/plain/", PlainView.as_view()),
    path("test/plain-body/", PlainBodyView.as_view()),
    *cast("list[URLPattern | URLResolver]", real_urlpatterns),
]
