"""HTTP layer of notifications: what the caller was told, newest first."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from contexts.notifications import selectors
from modulith.http import schema_errors
from modulith.http.authentication import request_principal
from modulith.http.pagination import BoundedLimitOffsetPagination, paginated_response
from modulith.http.schema import extend_schema

TAGS = ["notifications"]


class NotificationOutput(serializers.Serializer):
    id = serializers.UUIDField()
    channel = serializers.CharField()
    template = serializers.CharField()
    email = serializers.CharField()
    subject = serializers.CharField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()
    sent_at = serializers.DateTimeField(allow_null=True)


class NotificationListView(APIView):
    permission_classes: list[type[BasePermission]] = [IsAuthenticated]
    pagination_class = BoundedLimitOffsetPagination

    @extend_schema(
        tags=TAGS,
        operation_id="notifications_list",
        summary="List my notifications",
        description="The notifications addressed to the caller, newest first.",
        responses={
            200: NotificationOutput(many=True),
            **schema_errors.signed_in(marked=False),
        },
    )
    def get(self, request: Request) -> Response:
        notifications = selectors.notification_list(recipient_id=request_principal(request).id)
        return paginated_response(view=self, items=notifications, output=NotificationOutput)
