"""Liveness and readiness. PLACEHOLDER: completed by the platform work."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views import View


class LivenessView(View):
    def get(self, request: HttpRequest) -> JsonResponse:
        return JsonResponse({"status": "ok"})


class ReadinessView(View):
    def get(self, request: HttpRequest) -> JsonResponse:
        return JsonResponse({"status": "ok"})
