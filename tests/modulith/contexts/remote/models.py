from __future__ import annotations

from django.db import models


class Arrival(models.Model):
    """One committed run of the remote handler, in the remote context's own database."""

    thing_id = models.UUIDField(db_index=True)
    to = models.CharField(max_length=100)

    def __str__(self) -> str:
        return f"{self.thing_id} -> {self.to}"
