"""Celery task routing: a context's tasks go to its own queue, consumed by the service hosting it.

Context tasks are named `<context>.<task>` (e.g. `inventory.expire_reservations`); wherever they
are sent from, they run in the hosting service's workers, against its database. The kernel's
tasks choose their queue when they are sent (delivery: the subscriber's; relay and purge: the
service's, through beat).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from modulith.topology.placement import Placement, queue_of


def route_to_context_queue(
    name: str, args: Any, kwargs: Any, options: Any, task: Any = None, **_: Any
) -> dict[str, str] | None:
    placement = getattr(settings, "TOPOLOGY_PLACEMENT", None)
    context = name.split(".", 1)[0]
    if isinstance(placement, Placement) and context in placement.hosts:
        return {"queue": queue_of(context)}
    return None
