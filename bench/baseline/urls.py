from __future__ import annotations

from django.urls import path

from baseline.views import Constant, NoteCreate

urlpatterns = [
    path("notes/", NoteCreate.as_view()),
    path("constant/", Constant.as_view()),
]
