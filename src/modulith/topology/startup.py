"""What the topology app does once Django has started: refuse a placement that does not match the
installed contexts, and keep the admin to the models whose tables this service holds."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.contrib import admin

from modulith.contexts.registry import all_contexts
from modulith.topology.checks import startup_problems
from modulith.topology.model import TopologyError
from modulith.topology.placement import current_service, place


def verify_installed_contexts() -> None:
    view = current_service()
    if view is None:
        return
    placement = view.placement
    installed = [context.label for context in all_contexts()]
    if list(placement.hosts) != installed:
        # An app added to INSTALLED_APPS after the settings derived the placement (or a label
        # that is not the last part of its app's name): place again over the real registry.
        placement = place(placement.topology, installed, home_context=_home_context())
        late = [c for c in installed if c not in view.placement.hosts]
        elsewhere = [c for c in late if placement.hosts[c] != view.name]
        if elsewhere:
            raise TopologyError(
                f"Contexts {', '.join(elsewhere)} were installed after the settings derived the "
                f"topology, and {view.name!r} does not host them: add them to CONTEXT_APPS."
            )
        view = placement.view(view.name)
        settings.TOPOLOGY_PLACEMENT = placement
        settings.TOPOLOGY_SERVICE = view
    problems = startup_problems(view.placement)
    if problems:
        raise TopologyError(
            f"Topology {view.placement.topology.name!r} cannot run:\n"
            + "\n".join(str(problem) for problem in problems)
        )


def hide_models_held_elsewhere_from_admin(site: admin.AdminSite | None = None) -> None:
    """Unregister from the admin the models of apps held by other services (their pages would
    only raise ContextNotHostedHere)."""
    view = current_service()
    if view is None or not apps.is_installed("django.contrib.admin"):
        return
    site = site or admin.site
    for model in list(site._registry):
        if not view.holds_app(model._meta.app_label):
            site.unregister(model)


def _home_context() -> str:
    return str(getattr(settings, "TOPOLOGY_HOME_CONTEXT", ""))
