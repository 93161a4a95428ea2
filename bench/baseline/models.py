from __future__ import annotations

from django.db import models


class Note(models.Model):
    """The one row the baseline's POST inserts."""

    text = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.text
