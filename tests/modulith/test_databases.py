"""Database per context: outbox rows in the publisher's database, inbox rows (and effects) in
the subscriber's, events delivered and deduplicated across the two.

The second database is a second alias of one process (tests/modulith/two_databases_settings.py),
run on its own (tests/modulith/two_databases.py) against this run's test database.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator

import pytest
from django.db import connection

from modulith.models import InboxMessage, OutboxMessage
from tests.support.workers import ROOT, database_url


@pytest.fixture
def remote_database_url(tmp_path) -> Iterator[str]:
    """A fresh, empty database for the remote context, on this run's database engine."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'remote.sqlite3'}"
        return
    import psycopg

    name = f"{settings['NAME']}_remote_{uuid.uuid4().hex[:6]}"
    admin_url = database_url({**settings, "NAME": "postgres"}).replace(
        "postgres://", "postgresql://", 1
    )
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield database_url({**settings, "NAME": name})
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_with_two_databases_events_are_delivered_and_deduplicated_across_them(
    remote_database_url,
):
    env = {
        **os.environ,
        "DEBUG": "true",
        "SHOP_TEST_APPS": "true",
        "DATABASE_URL": database_url(connection.settings_dict),
        "DATABASE_CONN_MAX_AGE": "0",
        "DJANGO_SETTINGS_MODULE": "tests.modulith.two_databases_settings",
        "TWO_DATABASES_REMOTE_URL": remote_database_url,
    }

    run = subprocess.run(
        [sys.executable, "-m", "tests.modulith.two_databases"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip

    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout.strip().splitlines()[-1])
    both = report["event_ids"]
    assert report["relayed"] == 1
    assert report["duplicates"] == ["duplicate", "duplicate"]
    assert report["outbox"] == {"default": both, "remote": []}
    assert report["inbox"] == {"default": [], "remote": both}
    assert report["arrivals_in_remote"] == ["after-commit", "relay"]
    assert report["arrivals_routed_to"] in (None, "remote")
    # Seen from here, the publisher's database holds the outbox and none of the inbox.
    assert sorted(str(i) for i in OutboxMessage.objects.values_list("id", flat=True)) == both
    assert not InboxMessage.objects.filter(subscription="remote.on_thing_moved").exists()
