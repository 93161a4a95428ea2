from __future__ import annotations

from django.db import models


class Thing(models.Model):
    """A state change to publish about (the benchmark's business write)."""

    id = models.UUIDField(primary_key=True)
    note = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.note
