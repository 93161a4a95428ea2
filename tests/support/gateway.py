"""The distribution's nginx, running the gateway `manage.py topology gateway` generates.

    with serve_gateway(nginx_binary(), env, tmp_path / "gateway") as base_url:
        ...  # base_url is what clients see; nginx routes /api/<context>/ to its service

(`write_gateway_config` and `run_gateway` are its two steps, for callers that generate the
configuration while something else starts.)

nginx runs unprivileged-style under a prefix directory of its own (pid and temporary files
there, `-g 'daemon off;'`), in its own process group, and is stopped when the block ends.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support import services
from tests.support.processes import ROOT, answers_health, running

READY_TIMEOUT = 30.0


def nginx_binary() -> str:
    """The nginx executable; skips (locally) or fails (CI, whose .ci/run installs it) without."""
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    if found is None:
        if services.running_in_ci():
            pytest.fail("nginx is not installed; .ci/run installs it (apt-get install nginx).")
        pytest.skip("nginx is not installed; install it (apt-get install nginx) to run this.")
    return found


@dataclass(frozen=True)
class GatewayConfig:
    path: Path  # nginx.conf, in the prefix directory nginx runs under
    port: int  # where it listens


def write_gateway_config(env: Mapping[str, str], prefix: Path) -> GatewayConfig:
    """`manage.py topology gateway` in a process configured by `env` (any service of the
    topology), listening on a free local port."""
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    prefix.mkdir(parents=True, exist_ok=True)
    config = prefix / "nginx.conf"
    run = subprocess.run(
        [sys.executable, "manage.py", "topology", "gateway",
         "--output", str(config), "--listen", str(port)],
        cwd=ROOT, env=dict(env), capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert run.returncode == 0, f"manage.py topology gateway failed:\n{run.stdout}{run.stderr}"
    return GatewayConfig(path=config, port=port)


@contextmanager
def run_gateway(nginx: str, config: GatewayConfig) -> Iterator[str]:
    """nginx with `config`; yields its base URL once it answers /health/ (so the services
    behind it must be up)."""
    base_url = f"http://127.0.0.1:{config.port}"
    with running(
        [nginx, "-p", str(config.path.parent), "-c", str(config.path), "-g", "daemon off;"],
        env=os.environ,
        name="nginx",
        ready=answers_health(base_url),
        timeout=READY_TIMEOUT,
    ):
        yield base_url


@contextmanager
def serve_gateway(nginx: str, env: Mapping[str, str], prefix: Path) -> Iterator[str]:
    """The gateway of the topology `env` names, generated and run: its base URL."""
    with run_gateway(nginx, write_gateway_config(env, prefix)) as base_url:
        yield base_url
