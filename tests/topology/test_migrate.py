"""`migrate` per service, on PostgreSQL databases of their own: each service's database receives
its contexts' tables, the kernel's outbox and inbox, and (on the home service) Django's
user-related apps and beat's schedule; every service of every shape migrates, identity's too."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator

import psycopg
import pytest
from django.db import connection

from tests.support.workers import ROOT, database_url

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

HOME_APPS = (
    "auth_",
    "django_admin_log",
    "django_session",
    "django_content_type",
    "token_blacklist_",
)
CONTEXTS = ("identity", "catalog", "shipping", "inventory", "payments", "orders", "notifications")

Databases = Callable[[str], str]


@pytest.fixture
def databases(postgres: None) -> Iterator[Databases]:
    """databases("payments"): the URL of a new, empty database named after this worktree's run."""
    admin_url = database_url({**connection.settings_dict, "NAME": "postgres"})
    created: list[str] = []

    def create(service: str) -> str:
        name = f"{connection.settings_dict['NAME']}_svc_{service}_{uuid.uuid4().hex[:6]}"
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        created.append(name)
        return database_url({**connection.settings_dict, "NAME": name})

    yield create
    with psycopg.connect(admin_url, autocommit=True) as admin:
        for name in created:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(*arguments: str, **env: str) -> subprocess.CompletedProcess[str]:
    """manage.py in a process of its own, told nothing but DEBUG and `env` (as a deployment)."""
    base = {"PATH": "/usr/bin:/bin", "DEBUG": "true", "HOME": str(ROOT / "var")}
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=180,
    )  # fmt: skip


def migrated(topology: str, service: str, variable: str, url: str) -> set[str]:
    run = manage(
        "migrate", "--no-input", SHOP_TOPOLOGY=topology, SHOP_SERVICE=service, **{variable: url}
    )
    assert run.returncode == 0, f"{topology}/{service}: {run.stdout}{run.stderr}"
    with psycopg.connect(url) as db:
        rows = db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()
    return {name for (name,) in rows}


def apps_of(tables: set[str]) -> set[str]:
    return {table.split("_", 1)[0] for table in tables if table != "django_migrations"}


def test_an_extracted_service_gets_its_own_tables_and_the_kernels_only(
    databases: Databases,
) -> None:
    tables = migrated("payments", "payments", "PAYMENTS_DATABASE_URL", databases("payments"))

    assert apps_of(tables) == {"payments", "modulith"}
    assert {"payments_payment", "modulith_outboxmessage", "modulith_inboxmessage"} <= tables


def test_identity_takes_djangos_user_apps_and_the_rest_needs_none(databases: Databases) -> None:
    identity = migrated("identity", "identity", "DATABASE_URL", databases("identity"))
    shop = migrated("identity", "shop", "SHOP_DATABASE_URL", databases("shop"))

    assert "identity_user" in identity
    for prefix in HOME_APPS:
        assert any(t.startswith(prefix) for t in identity), prefix
        assert not any(t.startswith(prefix) for t in shop), prefix
    assert any(t.startswith("django_celery_beat_") for t in identity)
    assert not any(t.startswith(("identity_", "django_celery_beat_")) for t in shop)
    assert {"catalog", "orders", "payments", "modulith"} <= apps_of(shop)


def test_every_service_of_every_context_on_its_own_migrates(databases: Databases) -> None:
    for context in CONTEXTS:
        variable = "DATABASE_URL" if context == "identity" else f"{context.upper()}_DATABASE_URL"
        tables = migrated("services", context, variable, databases(context))

        contexts_here = apps_of(tables) & set(CONTEXTS)
        assert contexts_here == {context}, f"{context}: {sorted(tables)}"


def test_migrating_an_app_held_by_another_service_is_refused(databases: Databases) -> None:
    run = manage(
        "migrate", "payments", "--no-input",
        SHOP_TOPOLOGY="payments", SHOP_SERVICE="shop", DATABASE_URL=databases("shop"),
    )  # fmt: skip

    assert run.returncode != 0
    assert "context 'payments' is hosted by service 'payments'" in run.stderr
    assert "SHOP_SERVICE=payments" in run.stderr
