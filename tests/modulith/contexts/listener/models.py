from __future__ import annotations

from django.db import models


class Effect(models.Model):
    """One run of a handler that committed: exactly-once means exactly one row per event."""

    handler = models.CharField(max_length=100)
    thing_id = models.UUIDField(db_index=True)
    pid = models.IntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.handler} {self.thing_id}"


class Repair(models.Model):
    """The "fix" for a failing thing: once it exists, the handler succeeds."""

    thing_id = models.UUIDField(unique=True)

    def __str__(self) -> str:
        return f"repair {self.thing_id}"


class Sighting(models.Model):
    """The trace context a handler ran in, as it saw it (in this process or in a worker)."""

    handler = models.CharField(max_length=100)
    thing_id = models.UUIDField(db_index=True)
    trace_id = models.CharField(max_length=32, blank=True)  # hex, "" outside any trace
    span_id = models.CharField(max_length=16, blank=True)
    traceparent = models.CharField(max_length=55, blank=True)  # the envelope's, if any

    def __str__(self) -> str:
        return f"{self.handler} {self.thing_id} in trace {self.trace_id or '-'}"
