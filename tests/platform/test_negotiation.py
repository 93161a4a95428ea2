"""modulith.http.negotiation: the renderer and media type DRF's negotiation chooses, remembered
per Accept header, format and renderer classes, with DRF's own refusals."""

from __future__ import annotations

import pytest
from django.http import Http404
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer, BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from modulith.http.negotiation import RememberedContentNegotiation

ACCEPTS = [
    None,
    "*/*",
    "application/json",
    "application/json; indent=4",
    "text/html, application/xhtml+xml, */*;q=0.8",
    "application/*;q=0.5, text/html",
    "application/problem+json",
    "text/plain",
    "",
]
FORMATS = ["", "?format=json", "?format=api", "?format=xml", "?page=2"]
RENDERER_SETS = [(JSONRenderer,), (JSONRenderer, BrowsableAPIRenderer)]


def request_for(accept: str | None, query: str) -> Request:
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    return Request(APIRequestFactory().get(f"/api/orders/{query}", **headers))


def outcome(
    negotiation: DefaultContentNegotiation, request: Request, renderers: list[BaseRenderer]
) -> tuple[object, str] | type[Exception]:
    try:
        renderer, media_type = negotiation.select_renderer(request, renderers)
    except (NotAcceptable, Http404) as refused:
        return type(refused)
    # The view's own renderer instance, not one like it.
    assert any(renderer is offered for offered in renderers)
    return type(renderer), media_type


@pytest.mark.parametrize("classes", RENDERER_SETS, ids=lambda classes: str(len(classes)))
@pytest.mark.parametrize("query", FORMATS)
@pytest.mark.parametrize("accept", ACCEPTS)
def test_it_chooses_what_drf_chooses(
    accept: str | None, query: str, classes: tuple[type[BaseRenderer], ...]
) -> None:
    expected = outcome(
        DefaultContentNegotiation(), request_for(accept, query), [cls() for cls in classes]
    )

    # Twice: the first answer is computed, the second remembered.
    for _ in range(2):
        renderers = [cls() for cls in classes]
        remembered = outcome(RememberedContentNegotiation(), request_for(accept, query), renderers)
        assert remembered == expected
