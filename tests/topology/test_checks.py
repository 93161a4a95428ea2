"""`manage.py topology check`'s rules, each caught on a topology that breaks it. No database."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from pytest_django.fixtures import Settings

from modulith.topology.checks import all_problems, api_call_graph, structural_problems
from modulith.topology.placement import ServiceView
from tests.support.jwt_keys import JwtKeys
from tests.topology.conftest import placement_of

RunAs = Callable[[str, str], ServiceView]


def test_every_committed_topology_passes_every_rule() -> None:
    calls = api_call_graph()
    for name in ("monolith", "payments", "identity", "services"):
        assert all_problems(placement_of(name), api_calls=calls) == []


def test_the_api_calls_across_services_come_from_the_import_graph() -> None:
    calls = api_call_graph()

    assert "catalog" in calls["orders"]
    assert "identity" in calls["notifications"]


def test_an_api_called_across_services_needs_an_http_url() -> None:
    problems = all_problems(
        placement_of("catalog"),
        api_calls={"orders": {"catalog"}},
        environ={"CATALOG_URL": "catalog:8000"},
    )

    assert [p.rule for p in problems] == ["api"]
    assert "orders (service 'shop') calls catalog's api" in problems[0].message
    assert "[services.catalog]" in problems[0].fix


def test_a_subscription_nobody_consumes_is_reported() -> None:
    placement = placement_of("monolith")
    without_notifications = {c: s for c, s in placement.hosts.items() if c != "notifications"}

    problems = structural_problems(replace(placement, hosts=without_notifications))

    assert any(
        p.rule == "queues" and p.message.startswith("subscription notifications.") for p in problems
    )
    assert any(p.rule == "queues" and "notifications.send_due" in p.message for p in problems)


def test_the_current_service_needs_its_database_broker_and_key(
    run_as: RunAs, settings: Settings
) -> None:
    view = run_as("payments", "payments")
    settings.CELERY_BROKER_URL = None
    settings.JWT_PRIVATE_KEY, settings.JWT_PRIVATE_KEY_FILE = "", "/nonexistent"
    settings.JWT_JWKS_URL, settings.JWT_PREVIOUS_PUBLIC_KEY_FILES = "", []
    settings.SERVICE_PRIVATE_KEY, settings.SERVICE_PRIVATE_KEY_FILE = "", ""
    settings.DEBUG = False

    problems = all_problems(view.placement, view=view, environ={})

    fixes = " ".join(p.fix for p in problems)
    assert [p.rule for p in problems] == ["secrets"] * 4
    assert "set PAYMENTS_DATABASE_URL" in fixes
    assert "set CELERY_BROKER_URL" in fixes
    assert "set SERVICE_PRIVATE_KEY_FILE" in fixes
    assert "JWT_JWKS_URL" in fixes


def test_a_service_other_than_identitys_may_not_hold_identitys_key(
    run_as: RunAs, settings: Settings, jwt_keys: JwtKeys
) -> None:
    view = run_as("payments", "payments")
    settings.JWT_PRIVATE_KEY_FILE = str(jwt_keys.current_private_file)
    settings.SERVICE_PRIVATE_KEY_FILE = "/run/secrets/payments.pem"
    settings.CELERY_BROKER_URL = "amqp://broker//"

    problems = all_problems(view.placement, view=view, environ={"PAYMENTS_DATABASE_URL": "x"})

    assert [(p.rule, p.fix.split(":")[0]) for p in problems] == [
        ("secrets", "unset JWT_PRIVATE_KEY and JWT_PRIVATE_KEY_FILE on this service")
    ]
    assert "only the service hosting identity ('shop')" in problems[0].message


def test_the_command_checks_every_file(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("topology", "check", "--every")

    out = capsys.readouterr().out
    assert "topology services: ok" in out
    assert "topology monolith: ok" in out


def test_the_command_fails_with_the_fixes(run_as: RunAs, settings: Settings) -> None:
    run_as("payments", "payments")
    settings.SHOP_TOPOLOGY = "payments"
    settings.CELERY_BROKER_URL = None

    with pytest.raises(CommandError, match="1 topology cannot run"):
        call_command("topology", "check")
