"""The extracted service for the drills: the shop's own image, in a process of its own.

    with serve_shop(env) as base_url:
        ...  # base_url answers like `gunicorn config.wsgi` in production

A real process with an environment of its own, not pytest-django's live_server: a live server
thread shares the test process's settings, so the test process could not call a context
remotely while the same settings say that context is served there. The port is bound here and
handed to gunicorn as a file descriptor, so no other process can take it in between.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
READY_TIMEOUT = 60.0

# Configuration of the test process that must not leak into the extracted service.
NOT_INHERITED = (
    "SHOP_TOPOLOGY",
    "SHOP_SERVICE",
    "CONTEXT_TRANSPORTS",
    "EVENT_TRANSPORT",
    "CELERY_BROKER_URL",
    "REDIS_URL",
    "JWT_PRIVATE_KEY",
    "JWT_JWKS_URL",
    "SHOP_SERVICE",
    "SERVICE_PRIVATE_KEY",
    "SERVICE_PRIVATE_KEY_FILE",
    "SERVICE_PUBLIC_KEY_FILES",
    "SERVICE_KEY_SET_URLS",
)


class ServerStartError(RuntimeError):
    pass


def service_env(**overrides: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in NOT_INHERITED}
    return {
        **env,
        "DEBUG": "true",
        "SHOP_TEST_APPS": "true",
        # No connection kept between requests: the test database can be flushed and dropped.
        "DATABASE_CONN_MAX_AGE": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        # Loads place and quote from one address and a few customers, far above the real rates.
        "THROTTLE_ORDER_RATE": "100000/min",
        "THROTTLE_QUOTE_RATE": "100000/min",
        **overrides,
    }


def bound_listener() -> tuple[socket.socket, str]:
    """A listening socket on a free local port, and its base URL: services that must know each
    other's URLs before any of them starts bind first, then start."""
    listener = socket.create_server(("127.0.0.1", 0), backlog=128)
    return listener, f"http://127.0.0.1:{listener.getsockname()[1]}"


@contextmanager
def serve_shop(
    env: Mapping[str, str], bound: tuple[socket.socket, str] | None = None
) -> Iterator[str]:
    """Run gunicorn with `env` on a free local port (or on `bound`, from bound_listener());
    yield its base URL; stop it afterwards."""
    listener, base_url = bound or bound_listener()
    log_path = Path(tempfile.mkstemp(prefix="extracted-service-", suffix=".log")[1])
    command = [
        sys.executable, "-m", "gunicorn", "config.wsgi",
        "--bind", f"fd://{listener.fileno()}",
        "--workers", "1", "--threads", "4",
        "--graceful-timeout", "5",
        "--log-level", "warning",
    ]  # fmt: skip
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=dict(env),
            pass_fds=(listener.fileno(),),
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopping it reaches its worker
        )
    listener.close()  # gunicorn holds its own copy of the listening socket
    try:
        _wait_until_ready(base_url, process, log_path)
        yield base_url
    finally:
        _stop(process)
        log_path.unlink(missing_ok=True)


def _wait_until_ready(base_url: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerStartError(f"gunicorn exited:\n{log_path.read_text(errors='replace')}")
        with suppress(httpx.TransportError):
            if httpx.get(f"{base_url}/health/", timeout=5).status_code == 200:
                return
        time.sleep(0.1)
    raise ServerStartError(f"gunicorn never answered:\n{log_path.read_text(errors='replace')}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass
