"""The serving side: POST /internal/api/<context>/<function>/ runs an api function of a context
this process serves, for another process of the shop.

Thin like every entry point: authenticate the caller (a service token), decode the arguments
with the function's own adapters, one call, encode the result. Errors are problems like
everywhere else: 400 for arguments that do not fit the hints, 401/403 without a service token,
404 for a function this process does not serve, 422 for an exception the api module declares.
Not part of the public REST API, so not in the OpenAPI schema.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse, JsonResponse
from pydantic import ValidationError
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.views import APIView

from modulith.http.problems import ProblemError, validation_error
from modulith.http.schema import extend_schema
from modulith.remote.codec import codec_for
from modulith.remote.credentials import IsService, ServiceTokenAuthentication, service_jwk_set
from modulith.remote.functions import served_function
from modulith.remote.protocol import EXCEPTION_STATUS, exception_problem_type
from modulith.remote.registry import ApiFunction


class InternalApiView(APIView):
    authentication_classes = [ServiceTokenAuthentication]
    permission_classes = [IsService]
    # The body is decoded by the function's adapter, not by DRF's parsers.
    parser_classes: list[Any] = []
    throttle_classes: list[Any] = []

    @extend_schema(exclude=True)
    def post(self, request: Request, context: str, function: str) -> HttpResponse:
        spec = served_function(context, function)
        if spec is None:
            raise NotFound(f"This process serves no api function {context}.{function}.")
        codec = codec_for(spec.local)
        try:
            arguments = codec.decode_arguments(request.body)
        except ValidationError as invalid:
            raise _invalid_arguments(invalid) from None
        try:
            result = spec.local(**arguments)
        except codec.declared_classes as raised:
            raise _declared_problem(spec, raised) from raised
        return HttpResponse(codec.encode_result(result), content_type="application/json")


class ServiceKeySetView(APIView):
    """GET /.well-known/service-jwks.json: the public keys that verify this service's tokens."""

    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []
    throttle_classes: list[Any] = []

    @extend_schema(exclude=True)
    def get(self, request: Request) -> HttpResponse:
        response = JsonResponse(service_jwk_set())
        # Verifiers may cache it: one that meets an unknown kid fetches the set again.
        response["Cache-Control"] = "public, max-age=300"
        return response


def _invalid_arguments(invalid: ValidationError) -> Exception:
    return validation_error(
        (tuple(error["loc"]), error["msg"], error["type"])
        for error in invalid.errors(include_url=False)
    )


def _declared_problem(spec: ApiFunction, raised: Exception) -> ProblemError:
    payload = codec_for(spec.local).encode_exception(raised)
    assert payload is not None  # raised is an instance of a declared class
    return ProblemError(
        status=EXCEPTION_STATUS,
        problem_type=exception_problem_type(spec, payload["name"]),
        title=payload["name"],
        detail=str(raised) or payload["name"],
        exception=payload,
    )
