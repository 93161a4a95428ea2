"""The distribution's nginx, running the gateway `manage.py topology gateway` generates.

    with serve_gateway(nginx_binary(), env, tmp_path / "gateway") as base_url:
        ...  # base_url is what clients see; nginx routes /api/<context>/ to its service

(`write_gateway_config` and `run_gateway` are its two steps, for callers that generate the
configuration while something else starts.)

nginx runs unprivileged-style under a prefix directory of its own (pid and temporary files
there, `-g 'daemon off;'`), in its own process group, and is stopped when the block ends.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.support import services
from tests.support.workers import ROOT

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
    prefix = config.path.parent
    error_log = prefix / "error.log"
    with error_log.open("wb") as stderr:
        process = subprocess.Popen(
            [nginx, "-p", str(prefix), "-c", str(config.path), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=True,
        )
    base_url = f"http://127.0.0.1:{config.port}"
    try:
        _wait_until_ready(base_url, process, error_log)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@contextmanager
def serve_gateway(nginx: str, env: Mapping[str, str], prefix: Path) -> Iterator[str]:
    """The gateway of the topology `env` names, generated and run: its base URL."""
    with run_gateway(nginx, write_gateway_config(env, prefix)) as base_url:
        yield base_url


def _wait_until_ready(base_url: str, process: subprocess.Popen[bytes], error_log: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while True:
        with suppress(httpx.TransportError):
            if httpx.get(f"{base_url}/health/", timeout=5).status_code == 200:
                return
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"nginx never answered:\n{error_log.read_text(errors='replace')}")
        time.sleep(0.1)
