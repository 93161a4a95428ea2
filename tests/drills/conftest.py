"""Fixtures of the extraction drills: one context moved out by configuration alone.

`payments_extracted` deploys the shop as the e2e Celery topology does (every context on the
Celery transport, a worker for ctx.payments and one for the other queues, an `events relay`),
except that payments gets a PostgreSQL database of its own through CONTEXT_DATABASES. Every
process of the deployment (gunicorn, workers, relay, the migrate that prepares the database)
runs with the same configuration; the code is the shop's own, unchanged.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from django.db import connection

from tests.drills.databases import Database, created_beside, migrate
from tests.e2e.topologies import CONTEXTS, Workers
from tests.extraction.server import serve_shop, service_env
from tests.support import services
from tests.support.jwt_keys import JwtKeys
from tests.support.workers import database_url

# A Redis database of the drills' own for the Celery queues: the queue names (ctx.<context>)
# are the same in every suite, and another suite's workers must not consume these messages.
DRILL_BROKER_URL = os.environ.get("DRILL_REDIS_URL", "redis://127.0.0.1:6379/8")


@dataclass(frozen=True)
class Deployment:
    base_url: str
    default: Database  # everything but payments (this run's test database)
    payments: Database  # payments' own database


class PaymentsWorkersOnTheirDatabase(Workers):
    """The e2e Celery workers and relay, configured with payments' own database."""

    def __init__(self, broker_url: str, mail_dir: Path, payments_database_url: str) -> None:
        super().__init__(broker_url, mail_dir)
        self.env["CONTEXT_DATABASES"] = f"payments={payments_database_url}"


@pytest.fixture
def drill_broker_url() -> str:
    return services.require(DRILL_BROKER_URL, 6379, "Redis")


@pytest.fixture
def payments_extracted(
    postgres: None,
    drill_broker_url: str,
    jwt_keys: JwtKeys,
    tmp_path: Path,
) -> Iterator[Deployment]:
    default_url = database_url(connection.settings_dict)
    # Leftovers of an aborted run would be delivered to these workers.
    redis.Redis.from_url(drill_broker_url).delete(*[f"ctx.{context}" for context in CONTEXTS])
    with created_beside(connection.settings_dict, "payments") as payments_url:
        deployment = {
            "DATABASE_URL": default_url,
            "CONTEXT_DATABASES": f"payments={payments_url}",
            "CONTEXT_TRANSPORTS": ",".join(f"{context}=celery" for context in CONTEXTS),
            "CELERY_BROKER_URL": drill_broker_url,
        }
        migrate("payments", service_env(**deployment))
        workers = PaymentsWorkersOnTheirDatabase(drill_broker_url, tmp_path, payments_url)
        server_env = service_env(
            **deployment,
            JWT_PRIVATE_KEY_FILE=str(jwt_keys.current_private_file),
            JWT_PREVIOUS_PUBLIC_KEY_FILES=str(jwt_keys.previous_public_file),
        )
        workers.start()
        try:
            with serve_shop(server_env) as base_url:
                yield Deployment(
                    base_url=base_url,
                    default=Database(default_url),
                    payments=Database(payments_url),
                )
        finally:
            # Before the database is dropped and the test database flushed: no process may
            # still hold a connection to either.
            workers.stop()
