"""The nginx configuration `manage.py topology gateway` writes. Syntax is checked by nginx itself
when it is installed (.ci/run installs it); the routing is read from the text."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

from modulith.topology.gateway import render_nginx
from modulith.topology.model import TopologyError, load_topology
from modulith.topology.placement import place
from tests.support.services import running_in_ci

COMMITTED = Path(__file__).resolve().parents[2] / "config" / "topologies"
CONTEXTS = ["identity", "catalog", "shipping", "inventory", "payments", "orders", "notifications"]


def rendered(name: str, environ: dict[str, str] | None = None) -> str:
    placement = place(load_topology(name, COMMITTED), CONTEXTS, home_context="identity")
    return render_nginx(placement, listen=8080, max_body_bytes=4096, environ=environ or {})


def routes(config: str) -> dict[str, str]:
    """location prefix -> upstream it proxies to."""
    found = re.findall(r"location (\S+) \{\s+proxy_pass http://(\w+);", config)
    return dict(found)


def test_each_context_prefix_goes_to_its_service_and_the_rest_to_the_home() -> None:
    config = rendered("payments", {"PAYMENTS_URL": "http://payments.internal:9000"})

    assert routes(config)["/api/payments/"] == "svc_payments"
    assert routes(config)["/api/orders/"] == "svc_shop"
    assert routes(config)["/"] == "svc_shop"
    assert "server payments.internal:9000;" in config
    assert "server 127.0.0.1:8000;" in config


def test_identity_extracted_takes_everything_outside_the_contexts() -> None:
    config = rendered("identity")

    assert routes(config)["/"] == "svc_identity"
    assert routes(config)["/api/catalog/"] == "svc_shop"


def test_headers_limits_and_the_closed_internal_api() -> None:
    config = rendered("services")

    assert "client_max_body_size 4096;" in config
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in config
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in config
    assert re.search(r"proxy_read_timeout \d+s;", config)
    assert re.search(r"location /internal/ \{\s+return 404;", config)
    assert "application/problem+json" in config
    assert len(set(routes(config).values())) == len(CONTEXTS)


def test_a_service_without_an_http_url_cannot_be_routed_to() -> None:
    with pytest.raises(TopologyError, match="no http\\(s\\) url"):
        rendered("payments", {"PAYMENTS_URL": "payments:8000"})


def test_the_command_writes_the_file(tmp_path: Path) -> None:
    output = tmp_path / "gateway.conf"

    call_command("topology", "gateway", "--topology", "catalog", "--output", str(output))

    assert routes(output.read_text())["/api/catalog/"] == "svc_catalog"


def test_nginx_accepts_every_generated_configuration(tmp_path: Path) -> None:
    nginx = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    if nginx is None:
        if running_in_ci():
            pytest.fail("nginx is not installed; .ci/run installs it.")
        pytest.skip("nginx is not installed; install it (apt-get install nginx) to run this.")
    for name in sorted(path.stem for path in COMMITTED.glob("*.toml")):
        config = tmp_path / f"{name}.conf"
        config.write_text(rendered(name))
        run = subprocess.run(
            [nginx, "-t", "-q", "-p", str(tmp_path), "-c", str(config)],
            capture_output=True, text=True, timeout=30,
        )  # fmt: skip
        assert run.returncode == 0, f"{name}: {run.stderr}"
