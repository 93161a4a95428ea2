"""What each service hosts and reaches, derived from a topology. No Django app, no database."""

from __future__ import annotations

from pathlib import Path

import pytest

from modulith.topology.model import TopologyError, load_topology, parse_topology
from modulith.topology.placement import place

COMMITTED = Path(__file__).resolve().parents[2] / "config" / "topologies"
CONTEXTS = ["identity", "catalog", "shipping", "inventory", "payments", "orders", "notifications"]


def placed(name: str, contexts: list[str] = CONTEXTS):  # type: ignore[no-untyped-def]
    return place(load_topology(name, COMMITTED), contexts, home_context="identity")


def test_the_monolith_hosts_every_context_and_a_new_one_without_an_edit() -> None:
    placement = placed("monolith", [*CONTEXTS, "loyalty"])
    shop = placement.view("monolith")

    assert shop.local_contexts == (*CONTEXTS, "loyalty")
    assert shop.remote_contexts == {}
    assert shop.queues[-1] == "ctx.loyalty"
    assert shop.is_home and shop.runs_beat


def test_an_extracted_context_is_remote_everywhere_else_and_local_only_at_home() -> None:
    placement = placed("payments")
    shop, payments = placement.view("shop"), placement.view("payments")

    assert payments.local_contexts == ("payments",)
    assert payments.queues == ("ctx.payments",)
    assert payments.home_queue == "ctx.payments"
    assert payments.remote_urls({}) == dict.fromkeys(
        [c for c in CONTEXTS if c != "payments"], "http://127.0.0.1:8000"
    )
    assert shop.remote_urls({"PAYMENTS_URL": "http://payments:8000"}) == {
        "payments": "http://payments:8000"
    }
    assert "ctx.payments" not in shop.queues
    assert shop.is_home and not payments.is_home


def test_tables_follow_their_app_the_kernel_is_everywhere() -> None:
    placement = placed("payments")
    shop, payments = placement.view("shop"), placement.view("payments")

    assert payments.holds_app("payments") and not shop.holds_app("payments")
    assert payments.holds_app("modulith") and shop.holds_app("modulith")
    for app in ("auth", "contenttypes", "admin", "sessions", "token_blacklist"):
        assert shop.holds_app(app) and not payments.holds_app(app)
    assert shop.holds_app("django_celery_beat") and not payments.holds_app("django_celery_beat")


def test_identity_extracted_takes_the_home_with_it() -> None:
    placement = placed("identity")
    identity = placement.view("identity")

    assert identity.is_home and identity.runs_beat
    assert identity.service.database == "DATABASE_URL"
    assert identity.holds_app("auth") and identity.holds_app("token_blacklist")
    assert not placement.view("shop").holds_app("auth")


def test_every_context_on_its_own_service() -> None:
    placement = placed("services")

    assert {view.name: view.local_contexts for view in placement.views} == {
        context: (context,) for context in CONTEXTS
    }
    # A context nobody names joins the home service.
    assert placed("services", [*CONTEXTS, "loyalty"]).view("identity").local_contexts == (
        "identity",
        "loyalty",
    )


def test_a_beat_flag_moves_the_schedule() -> None:
    topology = parse_topology(
        "probe",
        {
            "services": {
                "shop": {"contexts": ["*"], "url": "http://shop", "database": "DATABASE_URL"},
                "jobs": {
                    "contexts": ["notifications"],
                    "url": "http://jobs",
                    "database": "JOBS_DATABASE_URL",
                    "beat": True,
                },
            }
        },
        Path("probe.toml"),
    )
    placement = place(topology, CONTEXTS, home_context="identity")

    assert placement.beat == "jobs" and placement.home == "shop"
    assert placement.view("jobs").holds_app("django_celery_beat")
    assert not placement.view("shop").holds_app("django_celery_beat")


def test_a_context_that_is_not_installed_is_refused() -> None:
    with pytest.raises(TopologyError, match="hosts 'payments', which is not an installed"):
        placed("payments", [c for c in CONTEXTS if c != "payments"])


def test_a_context_nobody_hosts_is_refused() -> None:
    topology = parse_topology(
        "probe",
        {"services": {"shop": {"contexts": ["identity"], "database": "DATABASE_URL"}}},
        Path("probe.toml"),
    )
    with pytest.raises(TopologyError, match="no service hosts catalog, shipping"):
        place(topology, CONTEXTS, home_context="identity")
