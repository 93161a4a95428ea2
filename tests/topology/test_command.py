"""`manage.py topology`: the current service, the whole deployment as a table, Mermaid and JSON,
derived from the topology. No database."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import RequestFactory

from modulith.ops.schedule import periodic_jobs
from modulith.topology.placement import ServiceView
from modulith.topology.routing import route_to_context_queue
from modulith.topology.urls import misdirected, misdirected_patterns
from tests.support.problems import assert_problem_type
from tests.topology.conftest import placement_of

RunAs = Callable[[str, str], ServiceView]


def output(capsys: pytest.CaptureFixture[str], *arguments: str) -> str:
    call_command("topology", *arguments)
    return capsys.readouterr().out


def test_the_current_service_shows_what_it_runs(capsys: pytest.CaptureFixture[str]) -> None:
    text = output(capsys)

    assert "Topology monolith, service monolith" in text
    assert "queues:    ctx.identity, ctx.catalog" in text
    assert "inventory: inventory.expire_reservations every 60s on ctx.inventory" in text
    assert "/api/payments/" in text and "/admin/" in text


def test_the_deployment_as_a_table_and_a_mermaid_diagram(
    capsys: pytest.CaptureFixture[str],
) -> None:
    text = output(capsys, "--all", "--topology", "payments")

    assert "| payments | payments | http://127.0.0.1:8105 | `PAYMENTS_DATABASE_URL` |" in text
    assert "```mermaid" in text
    assert 'subgraph svc_payments["payments"]' in text


def test_the_json_view_for_tools(capsys: pytest.CaptureFixture[str]) -> None:
    described = json.loads(output(capsys, "--all", "--json", "--topology", "services"))

    services = {service["name"]: service for service in described["services"]}
    assert described["home"] == "identity"
    assert services["payments"]["queues"] == ["ctx.payments"]
    assert services["payments"]["database"] == "PAYMENTS_DATABASE_URL"
    assert services["payments"]["remote_contexts"]["orders"] == "http://127.0.0.1:8106"
    assert "/api/payments/" in services["payments"]["routes"]
    assert "/admin/" not in services["payments"]["routes"]
    jobs = {job["name"]: job["queue"] for job in services["inventory"]["periodic_jobs"]}
    assert jobs["modulith [inventory]: relay outbox and due retries"] == "ctx.inventory"
    assert jobs["inventory: inventory.expire_reservations"] == "ctx.inventory"


def test_periodic_jobs_go_to_the_queue_of_the_service_that_does_the_work() -> None:
    jobs = {job.name: job.queue for job in periodic_jobs(placement_of("payments"))}

    assert jobs["modulith [shop]: relay outbox and due retries"] == "ctx.identity"
    assert jobs["modulith [payments]: relay outbox and due retries"] == "ctx.payments"
    assert jobs["notifications: notifications.send_due"] == "ctx.notifications"


def test_a_worker_consumes_its_contexts_queues_and_context_tasks_are_routed_to_them() -> None:
    queues = [queue.name for queue in settings.CELERY_TASK_QUEUES]

    assert queues == [f"ctx.{context}" for context in placement_of("monolith").hosts]
    assert route_to_context_queue("inventory.expire_reservations", (), {}, {}) == {
        "queue": "ctx.inventory"
    }
    assert route_to_context_queue("modulith.relay", (), {}, {}) is None


def test_a_request_for_a_context_served_elsewhere_is_a_421_problem(run_as: RunAs) -> None:
    run_as("payments", "shop")

    routes = {pattern.name for pattern in misdirected_patterns()}
    answer = misdirected(
        RequestFactory().get("/api/payments/methods/"), context="payments", service="payments"
    )

    assert routes == {"misdirected-api-payments", "misdirected-internal-api-payments"}
    assert answer.status_code == 421
    assert_problem_type(answer)
    body = json.loads(answer.content)
    assert body["service"] == "payments"
    assert "http://127.0.0.1:8105" in body["detail"]


@pytest.mark.django_db
def test_beat_sends_each_service_its_relay_and_each_context_its_jobs(run_as: RunAs) -> None:
    from django_celery_beat.models import PeriodicTask

    from modulith.ops.schedule import ensure_schedule

    ensure_schedule()  # the monolith's entries, as migrate left them
    run_as("payments", "shop")

    ensure_schedule()

    queues = dict(PeriodicTask.objects.values_list("name", "queue"))
    assert queues["modulith [shop]: relay outbox and due retries"] == "ctx.identity"
    assert queues["modulith [payments]: relay outbox and due retries"] == "ctx.payments"
    assert queues["modulith [payments]: purge old outbox and inbox rows"] == "ctx.payments"
    assert queues["inventory: inventory.expire_reservations"] == "ctx.inventory"
    # The monolith's relay would run in the shop's workers only: gone with the topology.
    assert "modulith: relay outbox and due retries" not in queues


def test_the_admin_lists_only_what_this_service_holds(run_as: RunAs) -> None:
    from django.contrib import admin

    from modulith.topology.startup import hide_models_held_elsewhere_from_admin

    site = admin.AdminSite(name="topology-probe")
    for model, model_admin in admin.site._registry.items():
        site.register(model, type(model_admin))
    run_as("payments", "shop")

    hide_models_held_elsewhere_from_admin(site)

    labels = {model._meta.app_label for model in site._registry}
    assert "payments" not in labels
    assert {"identity", "orders", "auth"} <= labels
