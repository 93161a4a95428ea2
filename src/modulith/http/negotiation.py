"""Content negotiation that remembers its answers.

DRF's DefaultContentNegotiation parses the Accept header, sorts its media types by precedence
and matches them against the view's renderers on every request, although clients send the same
few headers (`*/*`, `application/json`) over and over. Its answer depends only on that header,
the requested format (`?format=` or a format suffix) and the renderer classes, so this one asks
DRF once for each such combination and keeps the answer: which of the renderers, and the media
type. Refusals (406, or 404 for an unknown format) are not kept: DRF computes them again for the
request, so every error is DRF's own.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request

# Accept headers are the client's to choose: keep only so many combinations.
REMEMBERED = 256


class RememberedContentNegotiation(DefaultContentNegotiation):
    def select_renderer(
        self,
        request: Request,
        renderers: Iterable[BaseRenderer],
        format_suffix: str | None = None,
    ) -> tuple[BaseRenderer, str]:
        renderers = list(renderers)
        requested_format = format_suffix or (
            # The query string is parsed only when there is one.
            request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
            if request.META.get("QUERY_STRING")
            else None
        )
        classes = tuple(type(renderer) for renderer in renderers)
        try:
            index, media_type = _negotiated(
                request.META.get("HTTP_ACCEPT"), requested_format, classes
            )
        except Exception:  # noqa: BLE001 - a refusal: DRF raises it again for this request
            return super().select_renderer(request, renderers, format_suffix)
        return renderers[index], media_type


class _Offer:
    """What DRF's negotiation reads of a request: the Accept header and the query string."""

    def __init__(self, accept: str | None) -> None:
        self.META = {} if accept is None else {"HTTP_ACCEPT": accept}
        self.query_params: dict[str, Any] = {}


@lru_cache(maxsize=REMEMBERED)
def _negotiated(
    accept: str | None, requested_format: str | None, classes: tuple[type[BaseRenderer], ...]
) -> tuple[int, str]:
    renderers = [renderer_class() for renderer_class in classes]
    # The format goes in as a suffix: DRF then reads no query string, and filters alike.
    chosen, media_type = DefaultContentNegotiation().select_renderer(
        _Offer(accept),  # type: ignore[arg-type]
        renderers,
        requested_format,
    )
    return renderers.index(chosen), media_type
