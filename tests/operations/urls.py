"""A request that logs a line and starts an event flow, for the structured-log tests."""

from __future__ import annotations

import logging
import uuid

from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.http import require_POST

from tests.modulith.contexts.sample.services import thing_happen

logger = logging.getLogger("tests.operations")


@require_POST
def start_a_flow(request: HttpRequest) -> JsonResponse:
    logger.info("starting a flow")
    envelope = thing_happen(thing_id=uuid.uuid4())
    return JsonResponse({"event_id": envelope["id"]}, status=201)


urlpatterns = [path("flows/", start_a_flow)]
