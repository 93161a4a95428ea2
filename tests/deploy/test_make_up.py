"""`make up`'s entry point (python -m deploy.up start), as a user runs it: the admin's log-in and
the purchase flow through the gateway it prints, for the monolith and for payments extracted;
Ctrl-C (SIGINT to its process group, as a terminal sends it) stops every process, and
`down --drop` removes what it made. The emails are read from the mail catcher's API: they
really went over SMTP.

PostgreSQL only, with RabbitMQ, Redis and nginx: the PostgreSQL pass of `make test` runs it.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from django.db import connection

from tests.e2e.scenarios import happy_path
from tests.e2e.shop import Shop
from tests.e2e.topologies import WORKERS_BREAKER, Breaker
from tests.extraction.server import NOT_INHERITED
from tests.matrix.databases import with_database
from tests.matrix.deployment import THROTTLED, placement_of, url_variable
from tests.support import services
from tests.support.auth import BearerFactory
from tests.support.gateway import nginx_binary
from tests.support.jwt_keys import JwtKeys
from tests.support.processes import ROOT, Process, logged, spawn
from tests.support.workers import database_url

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis, pytest.mark.rabbitmq]

START_TIMEOUT = 300
STOP_TIMEOUT = 60
SETTLE_TIMEOUT = 60.0


def free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return int(probe.getsockname()[1])


class MailCatcher:
    """The e2e scenarios' view of the deployment: emails as the catcher received them."""

    breaker: Breaker = WORKERS_BREAKER

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def emails_to(self, address: str) -> list[str]:
        messages = httpx.get(f"{self.base_url}/messages/", timeout=10).json()["messages"]
        return [m["subject"] for m in messages if address in m["recipients"]["to"]]

    def payments_paused(self) -> Iterator[None]:
        raise NotImplementedError("the flow run here never holds payments back")


def up_env(topology: str, state: Path, jwt_keys: JwtKeys) -> dict[str, str]:
    """The test process's environment minus its own configuration, plus free ports and a
    database prefix of this test database's, so nothing collides with a user's `make up`."""
    inherited = {
        name: value
        for name, value in os.environ.items()
        if name not in NOT_INHERITED and name != "DATABASE_URL"
    }
    urls = {
        url_variable(view): f"http://127.0.0.1:{free_port()}"
        for view in placement_of(topology).views
    }
    state.mkdir(parents=True)
    # The deployment signs with the test session's identity key, so Shop's staff tokens verify.
    (state / "production.env").write_text(
        "DEBUG=false\n"
        "SECRET_KEY=make-up-test-only-" + "x" * 50 + "\n"
        f"JWT_PRIVATE_KEY_FILE={jwt_keys.current_private_file}\n"
        f"JWT_PREVIOUS_PUBLIC_KEY_FILES={jwt_keys.previous_public_file}\n"
    )
    return {
        **inherited,
        **urls,
        **dict.fromkeys(THROTTLED, "100000/min"),
        "SHOP_TEST_APPS": "false",
        "UP_STATE_DIR": str(state),
        "UP_PREFIX": f"test_{connection.settings_dict['NAME'].removeprefix('test_')}_up",
        # The server's maintenance database: this run's test database may not exist yet.
        "UP_ADMIN_DATABASE_URL": with_database(database_url(connection.settings_dict), "postgres"),
        "CELERY_BROKER_URL": services.require(services.RABBITMQ_URL, 5672, "RabbitMQ"),
        "REDIS_URL": services.require(services.REDIS_URL, 6379, "Redis"),
        "UP_GATEWAY_PORT": str(free_port()),
        "UP_FLOWER_PORT": str(free_port()),
        "UP_SMTP_PORT": str(free_port()),
        "UP_MAIL_PORT": str(free_port()),
    }


@contextmanager
def make_up(topology: str, env: dict[str, str]) -> Iterator[Process]:
    """`make up` started; yields once it prints where it serves (after migrations, demo data and
    every process); killed if still running, and `down --drop`, when the block ends."""
    process = spawn(
        [sys.executable, "-m", "deploy.up", "start", "--topology", topology],
        env=env,
        name="make-up",
    )
    try:
        process.wait_ready(logged("make up: topology"), timeout=START_TIMEOUT)
        yield process
    finally:
        if process.process.poll() is None:
            process.kill()
        process.log_path.unlink(missing_ok=True)
        subprocess.run(
            [sys.executable, "-m", "deploy.up", "down", "--drop"], cwd=ROOT, env=env, check=True
        )


def log_into_the_admin(gateway: str) -> httpx.Response:
    """The demo administrator logs in as a browser does: the log-in page sets the CSRF cookie,
    the form posts its token back with the browser's Origin, and the session cookie it gets
    opens the dashboard. httpx keeps a Secure cookie away from plain HTTP, as browsers do."""
    with httpx.Client(base_url=gateway, timeout=10, follow_redirects=True) as browser:
        form = browser.get("/admin/login/", params={"next": "/admin/"})
        assert form.status_code == 200, form.text[:500]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
        assert token, form.text[:500]
        return browser.post(
            "/admin/login/?next=/admin/",
            data={
                "csrfmiddlewaretoken": token.group(1),
                "username": "admin@example.com",
                "password": "Shop-Admin-Demo-1",
                "next": "/admin/",
            },
            headers={"Origin": gateway, "Referer": f"{gateway}/admin/login/"},
        )


@pytest.mark.parametrize("topology", ["monolith", "payments"])
def test_make_up_serves_the_purchase_flow_and_stops_on_ctrl_c(
    topology: str,
    jwt_keys: JwtKeys,
    bearer: BearerFactory,
    tmp_path: Path,
) -> None:
    services.require_postgres()
    nginx_binary()
    env = up_env(topology, tmp_path / "up", jwt_keys)
    with make_up(topology, env) as up:
        gateway = f"http://127.0.0.1:{env['UP_GATEWAY_PORT']}"
        assert httpx.get(f"{gateway}/api/docs/", timeout=10).status_code == 200  # static files
        products = httpx.get(f"{gateway}/api/catalog/products/", timeout=10).json()
        assert products["count"] >= 20  # the demo data
        assert httpx.get(f"http://127.0.0.1:{env['UP_FLOWER_PORT']}/", timeout=10).is_success
        dashboard = log_into_the_admin(gateway)
        assert (dashboard.status_code, dashboard.url.path) == (200, "/admin/"), dashboard.text[:800]
        assert "Site administration" in dashboard.text and "Log out" in dashboard.text

        shop = Shop(base_url=gateway, timeout=SETTLE_TIMEOUT, bearer=bearer)
        happy_path(shop, MailCatcher(f"http://127.0.0.1:{env['UP_MAIL_PORT']}"))

        os.killpg(up.process.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
        assert up.process.wait(timeout=STOP_TIMEOUT) == 0, up.log()[-4000:]
