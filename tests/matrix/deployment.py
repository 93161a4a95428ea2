"""A committed topology deployed as an operator would, on this machine, for the matrix.

For each service of config/topologies/<name>.toml: a PostgreSQL database and a login role of its
own (tests.matrix.databases), `SHOP_SERVICE=<service> manage.py migrate` with that role, then a
gunicorn, a Celery worker started without -Q and an `events relay` (and on the topology's beat
service the one `celery beat`, which must take the lease in Redis), all told nothing but
SHOP_TOPOLOGY, SHOP_SERVICE, their own database URL, the services' URLs, the broker (RabbitMQ)
and Redis. Each service signs its calls with a key of its own; only the service hosting identity
holds identity's private key, the others verify user tokens with the JWK Set identity publishes.
In front, nginx runs the configuration `manage.py topology gateway` writes.

Processes of all services start at once and are waited for together: on two cores, starting
twenty Django processes one after another would take most of the matrix's time.
"""

from __future__ import annotations

import re
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from amqp.exceptions import NotFound
from django.apps import apps
from django.conf import settings
from kombu import Connection

from modulith.topology.model import load_topology
from modulith.topology.placement import Placement, ServiceView, place
from tests.e2e.topologies import QUICK_RECOVERY, start_relay
from tests.extraction.server import bound_listener, serve_shop, service_env
from tests.matrix.databases import ServiceDatabase, service_databases
from tests.support.gateway import run_gateway, write_gateway_config
from tests.support.jwt_keys import JwtKeys, generate_key, private_pem
from tests.support.processes import Process, child_env, logged, running
from tests.support.workers import ROOT, start_worker

TOPOLOGY_DIR = ROOT / "config" / "topologies"
HOME_CONTEXT = "identity"
MIGRATE_TIMEOUT = 240
THROTTLED = ("THROTTLE_TOKEN_RATE", "THROTTLE_REGISTER_RATE", "THROTTLE_ORDER_RATE")
_URL_VARIABLE = re.compile(r"\$\{(?P<name>[A-Z][A-Z0-9_]*)")


@dataclass(frozen=True)
class Deployed:
    topology: str
    placement: Placement
    gateway_url: str
    databases: dict[str, ServiceDatabase]  # by service
    urls: dict[str, str]  # the services' internal base URLs
    mail_dir: Path
    beat_lock_key: str  # the Redis key of the lease its one beat holds

    def app_host(self, app_label: str) -> str | None:
        return self.placement.app_host(app_label)


def placement_of(topology: str) -> Placement:
    """The placement the deployed processes compute: the shop's contexts, no test contexts."""
    contexts = [app.rsplit(".", 1)[-1] for app in settings.CONTEXT_APPS]
    return place(load_topology(topology, TOPOLOGY_DIR), contexts, home_context=HOME_CONTEXT)


def url_variable(view: ServiceView) -> str:
    """The environment variable the topology reads the service's URL from."""
    match = _URL_VARIABLE.search(view.service.url_template)
    return match.group("name") if match else f"{view.name.upper().replace('-', '_')}_URL"


@contextmanager
def deploy(
    topology: str,
    *,
    admin_url: str,
    database_prefix: str,
    broker_url: str,
    redis_url: str,
    nginx: str,
    jwt_keys: JwtKeys,
    service_keys: Callable[[str], Path],
    work_dir: Path,
) -> Iterator[Deployed]:
    placement = placement_of(topology)
    views = placement.views
    purge_queues(broker_url, [queue for view in views for queue in view.queues])
    bound = {view.name: bound_listener() for view in views}
    urls = {name: url for name, (_, url) in bound.items()}
    mail_dir = work_dir / "mail"
    mail_dir.mkdir(parents=True, exist_ok=True)
    names = [view.name for view in views]
    # A key of this run's own, so that no other beat on the same Redis holds its lease.
    beat_lock_key = f"matrix:{topology}:{uuid.uuid4().hex[:8]}:beat"
    with service_databases(admin_url, prefix=database_prefix, services=names) as databases:
        shared = deployment_env(
            topology,
            views=views,
            urls=urls,
            broker_url=broker_url,
            redis_url=redis_url,
            mail_dir=mail_dir,
        )
        shared["BEAT_LOCK_KEY"] = beat_lock_key
        envs = {
            view.name: {
                **shared,
                "SHOP_SERVICE": view.name,
                view.service.database: databases[view.name].url,
                "SERVICE_PRIVATE_KEY_FILE": str(service_keys(view.name)),
                **identity_keys(view, jwt_keys),
            }
            for view in views
        }

        home_env = envs[placement.home]
        with ThreadPoolExecutor(max_workers=1) as background:
            gateway_config = background.submit(write_gateway_config, home_env, work_dir / "gateway")
            migrate_all(envs)
            config = gateway_config.result()
        with ExitStack() as running:
            starting: list[AbstractContextManager[Any]] = []
            for view in views:
                env = envs[view.name]
                starting += [
                    # Services call each other while serving (and fetch each other's key
                    # sets): enough threads that the flows run side by side never wait on
                    # a service whose every thread waits on them.
                    serve_shop(env, bound[view.name], threads=16),
                    start_worker(queues=[], env=env, concurrency=1),
                    start_relay(env),
                ]
                if view.runs_beat:
                    starting.append(start_beat(env))
            enter_together(running, starting)
            gateway = running.enter_context(run_gateway(nginx, config))
            yield Deployed(topology, placement, gateway, databases, urls, mail_dir, beat_lock_key)
            # Leaving the stack stops every process before the databases are dropped.


def start_beat(env: dict[str, str]) -> AbstractContextManager[Process]:
    """The deployment's one `celery beat`, as production starts it (the lease scheduler is the
    settings' default)."""
    return running(
        [sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel", "INFO"],
        env=child_env(**env),
        name="beat",
        ready=logged("beat: Starting"),
        timeout=MIGRATE_TIMEOUT,
    )


def deployment_env(
    topology: str,
    *,
    views: tuple[ServiceView, ...],
    urls: dict[str, str],
    broker_url: str,
    redis_url: str,
    mail_dir: Path,
) -> dict[str, str]:
    """What every process of the deployment is told, whatever its service."""
    env = service_env(
        SHOP_TOPOLOGY=topology,
        # The shop's own contexts only, as in production.
        SHOP_TEST_APPS="false",
        CELERY_BROKER_URL=broker_url,
        REDIS_URL=redis_url,
        EMAIL_URL=f"filemail:///{mail_dir}",
        NUM_PROXIES="1",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        # Every customer of the flow comes from 127.0.0.1, run after run: the per-address
        # throttles of registration and log-in are not what the matrix proves.
        **dict.fromkeys(THROTTLED, "100000/min"),
        # Up to two dozen processes share the machine's cores while a topology runs: the flow
        # proves where calls go, not how fast they answer, so a slow answer is not a failure.
        REMOTE_API_READ_TIMEOUT_SECONDS="20",
        REMOTE_API_BREAKER_FAIL_MAX="20",
        **QUICK_RECOVERY,
        **{url_variable(view): urls[view.name] for view in views},
    )
    # Each service is told its own database only (added per service).
    env.pop("DATABASE_URL", None)
    return env


def identity_keys(view: ServiceView, jwt_keys: JwtKeys) -> dict[str, str]:
    """Identity's private key, for the service hosting identity only. The others are told
    nothing: the topology makes them verify with the JWK Set identity's service publishes."""
    if HOME_CONTEXT not in view.local_contexts:
        return {}
    return {
        "JWT_PRIVATE_KEY_FILE": str(jwt_keys.current_private_file),
        "JWT_PREVIOUS_PUBLIC_KEY_FILES": str(jwt_keys.previous_public_file),
    }


def migrate_all(envs: dict[str, dict[str, str]]) -> None:
    """`manage.py migrate` for every service at once, each in a process of that service."""
    processes = {
        service: subprocess.Popen(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for service, env in envs.items()
    }
    failures = []
    for service, process in processes.items():
        output, _ = process.communicate(timeout=MIGRATE_TIMEOUT)
        if process.returncode != 0:
            failures.append(f"SHOP_SERVICE={service} manage.py migrate failed:\n{output}")
    assert not failures, "\n\n".join(failures)


def enter_together(stack: ExitStack, managers: list[AbstractContextManager[Any]]) -> None:
    """Enter every context manager concurrently (each waits for its process to be ready) and
    register one exit on `stack` that leaves them concurrently too (each waits for its process
    to stop); if one fails to start, the others that started are stopped."""
    with ThreadPoolExecutor(max_workers=len(managers)) as pool:
        futures = [pool.submit(manager.__enter__) for manager in managers]
    entered = [m for m, f in zip(managers, futures, strict=True) if f.exception() is None]

    def leave_all() -> None:
        with ThreadPoolExecutor(max_workers=len(entered) or 1) as pool:
            for done in [pool.submit(m.__exit__, None, None, None) for m in entered]:
                done.result()

    errors = [f.exception() for f in futures if f.exception() is not None]
    if errors:
        leave_all()
        raise errors[0]
    stack.callback(leave_all)


def purge_queues(broker_url: str, queues: list[str]) -> None:
    """Leftovers of an aborted run would be delivered to this run's workers."""
    with Connection(broker_url, connect_timeout=5) as connection:
        for queue in queues:
            channel = connection.channel()
            try:
                channel.queue_purge(queue)
                channel.close()
            except NotFound:
                pass  # not declared yet: nothing to purge (and the broker closed the channel)


def table_apps() -> dict[str, str]:
    """Table name -> the app whose migrations create it, for every installed model."""
    tables: dict[str, str] = {}
    for model in apps.get_models(include_auto_created=True):
        tables[model._meta.db_table] = model._meta.app_label
    return tables


def generated_service_keys(directory: Path) -> Callable[[str], Path]:
    """service -> the private key file of that service, one new key per service name."""
    directory.mkdir(parents=True, exist_ok=True)

    def key_of(service: str) -> Path:
        path = directory / f"service-{service}-private.pem"
        if not path.exists():
            path.write_bytes(private_pem(generate_key()))
        return path

    return key_of
