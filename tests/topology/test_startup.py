"""A process started with a wrong or incomplete topology stops at once, with one line saying what
to fix (manage.py here; gunicorn and Celery in tests/deploy/test_startup_errors.py)."""

from __future__ import annotations

import pytest

from tests.topology.test_migrate import manage


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SHOP_TOPOLOGY": "paymnets"}, "No topology 'paymnets': SHOP_TOPOLOGY must name a file"),
        ({"SHOP_TOPOLOGY": "payments"}, "set SHOP_SERVICE to the one this process runs as"),
        (
            {"SHOP_TOPOLOGY": "payments", "SHOP_SERVICE": "payments"},
            "Set the environment variable PAYMENTS_DATABASE_URL",
        ),
    ],
)
def test_a_process_with_a_wrong_topology_stops_with_one_line(
    env: dict[str, str], message: str
) -> None:
    run = manage("check", **env)

    assert run.returncode != 0
    assert len(run.stderr.strip().splitlines()) == 1
    assert run.stderr.startswith("manage.py: ")
    assert message in run.stderr
    assert "Traceback" not in run.stderr


def test_a_startup_problem_lists_each_rule_with_its_fix() -> None:
    # identity alone on a service whose home is not identity's would split the user table from
    # the admin log, sessions and token blacklist that point at it.
    from django.apps import apps

    from modulith.topology.checks import startup_problems
    from modulith.topology.placement import place
    from tests.topology.conftest import COMMITTED, load_topology

    contexts = [app.label for app in apps.get_app_configs() if hasattr(app, "context_name")]
    placement = place(load_topology("identity", COMMITTED), contexts, home_context="catalog")

    problems = startup_problems(placement)

    assert problems
    assert any(
        "admin.LogEntry.user" in p.message and "identity.User" in p.message for p in problems
    )
    assert all(p.rule == "relations" and p.fix for p in problems)
