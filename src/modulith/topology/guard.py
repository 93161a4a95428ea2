"""The database router of a topology: a context hosted elsewhere has no database here.

Reading or writing such a context's models raises `ContextNotHostedHere`, naming the context and
the service that hosts it, instead of quietly using this service's database (where its tables do
not exist, or worse, exist empty). `migrate` creates only the tables of the apps this service
holds: its contexts, the kernel's outbox and inbox, and on the home service Django's
user-related apps (on the beat service, beat's schedule).
"""

from __future__ import annotations

from typing import Any

from modulith.contexts.routing import ContextDatabaseRouter
from modulith.topology.placement import ServiceView, current_service


class ContextNotHostedHere(RuntimeError):
    """Database access to an app whose tables live in another service's database."""


def not_hosted_message(view: ServiceView, app_label: str, doing: str) -> str:
    placement = view.placement
    host = placement.app_host(app_label)
    assert host is not None
    service = placement.topology.service(host)
    if app_label in placement.hosts:
        what = f"context {app_label!r} is hosted by service {host!r}"
    else:
        what = f"app {app_label!r} keeps its tables with service {host!r}"
    if doing == "migrate":
        fix = f"run this migrate in a process of service {host!r} (SHOP_SERVICE={host})"
    elif app_label in placement.hosts:
        fix = (
            f"call the api of {app_label} (served by {service.url() or host}) instead of its models"
        )
    else:
        fix = f"do this in service {host!r}"
    return (
        f"Cannot {doing} {app_label} here: {what} in topology {placement.topology.name!r}, and "
        f"this process is service {view.name!r}, whose database has no {app_label} tables. "
        f"Fix: {fix}, or change the topology."
    )


def refuse_unless_held(app_label: str, doing: str) -> None:
    view = current_service()
    if view is not None and not view.holds_app(app_label):
        raise ContextNotHostedHere(not_hosted_message(view, app_label, doing))


class TopologyRouter(ContextDatabaseRouter):
    """ContextDatabaseRouter that refuses the apps this service does not hold."""

    def db_for_read(self, model: type, **hints: Any) -> str | None:
        refuse_unless_held(model._meta.app_label, "read")  # type: ignore[attr-defined]
        return super().db_for_read(model, **hints)

    def db_for_write(self, model: type, **hints: Any) -> str | None:
        refuse_unless_held(model._meta.app_label, "write")  # type: ignore[attr-defined]
        return super().db_for_write(model, **hints)

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        view = current_service()
        if view is not None and not view.holds_app(app_label):
            # Skipped, not refused: a plain `migrate` walks every app. `migrate <app>` on an app
            # held elsewhere is refused by modulith.topology's migrate command.
            return False
        return super().allow_migrate(db, app_label, **hints)
