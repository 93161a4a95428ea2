"""The internal api routes, mounted by config/urls.py under /internal/api/."""

from __future__ import annotations

from django.urls import path

from modulith.remote.views import InternalApiView

urlpatterns = [
    path("<str:context>/<str:function>/", InternalApiView.as_view(), name="internal-api"),
]
