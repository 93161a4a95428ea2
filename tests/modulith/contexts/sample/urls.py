"""One endpoint, so request-level behaviour (correlation id, a broker outage) is testable."""

from __future__ import annotations

from django.urls import path
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tests.modulith.contexts.sample.events import Behaviour
from tests.modulith.contexts.sample.services import thing_happen


class ThingHappenView(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    class Input(serializers.Serializer):
        thing_id = serializers.UUIDField()
        behaviour = serializers.ChoiceField(choices=[b.value for b in Behaviour], default="count")

    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        envelope = thing_happen(
            thing_id=data.validated_data["thing_id"],
            behaviour=Behaviour(data.validated_data["behaviour"]),
        )
        return Response({"event_id": envelope["id"]}, status=status.HTTP_201_CREATED)


urlpatterns = [path("things/", ThingHappenView.as_view())]
