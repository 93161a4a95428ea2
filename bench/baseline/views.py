"""The two endpoints: a one-INSERT POST and a GET with a constant body."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.generics import CreateAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from baseline.models import Note


class NoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Note
        fields = ["id", "text", "created_at"]


class NoteCreate(CreateAPIView):
    serializer_class = NoteSerializer


class Constant(APIView):
    def get(self, request: Request) -> Response:
        return Response({"status": "ok", "items": [{"id": 1, "name": "constant"}]})
