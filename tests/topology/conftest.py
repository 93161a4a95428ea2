"""Placements of the committed topologies over the installed contexts, and a process's view of
one of them put in place for a test (settings.TOPOLOGY_SERVICE, read at call time)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from pytest_django.fixtures import Settings

from modulith.contexts.registry import all_contexts
from modulith.topology.model import load_topology
from modulith.topology.placement import Placement, ServiceView, place

COMMITTED = Path(__file__).resolve().parents[2] / "config" / "topologies"


def placement_of(name: str) -> Placement:
    return place(
        load_topology(name, COMMITTED),
        [context.label for context in all_contexts()],
        home_context=django_settings.TOPOLOGY_HOME_CONTEXT,
    )


@pytest.fixture
def run_as(settings: Settings) -> Callable[[str, str], ServiceView]:
    """run_as("payments", "shop"): this test process is service shop of topology payments."""

    def become(topology: str, service: str) -> ServiceView:
        view = placement_of(topology).view(service)
        settings.TOPOLOGY_PLACEMENT = view.placement
        settings.TOPOLOGY_SERVICE = view
        return view

    return become
