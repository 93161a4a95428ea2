"""The extracted service for the drills: the shop's own image, in a process of its own.

    with serve_shop(env) as base_url:
        ...  # base_url answers like `gunicorn config.wsgi` in production

A real process with an environment of its own, not pytest-django's live_server: a live server
thread shares the test process's settings, so the test process could not call a context
remotely while the same settings say that context is served there. The port is bound here and
handed to gunicorn as a file descriptor, so no other process can take it in between.
"""

from __future__ import annotations

import socket
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from tests.support.processes import answers_health, child_env, running

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
    "SERVICE_PRIVATE_KEY",
    "SERVICE_PRIVATE_KEY_FILE",
    "SERVICE_PUBLIC_KEY_FILES",
    "SERVICE_KEY_SET_URLS",
)


def service_env(**overrides: str) -> dict[str, str]:
    return child_env(
        drop=NOT_INHERITED,
        **{
            "ALLOWED_HOSTS": "127.0.0.1",
            # Loads place and quote from one address and a few customers, far above the real rates.
            "THROTTLE_ORDER_RATE": "100000/min",
            "THROTTLE_QUOTE_RATE": "100000/min",
            **overrides,
        },
    )


def bound_listener() -> tuple[socket.socket, str]:
    """A listening socket on a free local port, and its base URL: services that must know each
    other's URLs before any of them starts bind first, then start."""
    listener = socket.create_server(("127.0.0.1", 0), backlog=128)
    return listener, f"http://127.0.0.1:{listener.getsockname()[1]}"


@contextmanager
def serve_shop(
    env: Mapping[str, str], bound: tuple[socket.socket, str] | None = None, *, threads: int = 4
) -> Iterator[str]:
    """Run gunicorn with `env` on a free local port (or on `bound`, from bound_listener());
    yield its base URL; stop it afterwards."""
    listener, base_url = bound or bound_listener()
    command = [
        sys.executable, "-m", "gunicorn", "config.wsgi",
        "--bind", f"fd://{listener.fileno()}",
        "--workers", "1", "--threads", str(threads),
        "--graceful-timeout", "5",
        "--log-level", "warning",
    ]  # fmt: skip
    try:
        with running(
            command,
            env=env,
            name="extracted-service",
            ready=answers_health(base_url),
            timeout=READY_TIMEOUT,
            pass_fds=(listener.fileno(),),
        ):
            listener.close()  # gunicorn holds its own copy of the listening socket
            yield base_url
    finally:
        listener.close()
