"""`make up` / `make down`: a committed topology, production-like, on this machine (no Docker).

    python -m deploy.up start [--topology NAME]   # what `make up` runs; Ctrl-C stops it all
    python -m deploy.up down [--drop]             # what `make down` runs

`start` reads the deployment from `manage.py topology --all --json`, then for each service
creates a PostgreSQL database and a login role of its own, migrates it and collects the static
files, writes a Procfile (per service gunicorn, a Celery worker per queue and an
`events relay`; the one beat, the nginx gateway `manage.py topology gateway` writes, Flower and
the maildump mail catcher) and runs it under honcho, which interleaves the logs with a prefix
per process and stops every process on Ctrl-C. Once the gateway answers it loads the demo data
and prints the URLs. DEBUG is off: the secrets come from var/up/production.env
(`manage.py production_env`); PLAIN_HTTP is on, since nothing here terminates TLS.

Everything it makes lives under var/up/ (UP_STATE_DIR) and in databases and roles named
`<UP_PREFIX>_<service>` (default prefix `shop_up`); `down --drop` removes both. PostgreSQL,
RabbitMQ and Redis come from UP_ADMIN_DATABASE_URL, CELERY_BROKER_URL and REDIS_URL (local
defaults below); the ports from UP_GATEWAY_PORT, UP_FLOWER_PORT, UP_SMTP_PORT, UP_MAIL_PORT and
the topology's URL variables.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[1]
# Everything `make up` writes (a test points it elsewhere).
STATE = Path(os.environ.get("UP_STATE_DIR") or ROOT / "var" / "up").resolve()
PYTHON = sys.executable
BIN = Path(PYTHON).parent
READY_TIMEOUT = 180.0
_URL_VARIABLE = re.compile(r"\$\{(?P<name>[A-Z][A-Z0-9_]*)")


@dataclass(frozen=True)
class Options:
    topology: str
    prefix: str
    admin_url: str
    broker_url: str
    redis_url: str
    gateway_port: int
    flower_port: int
    smtp_port: int
    mail_port: int

    @classmethod
    def from_environ(cls, environ: Mapping[str, str], topology: str | None) -> Options:
        return cls(
            topology=topology or environ.get("TOPOLOGY") or "monolith",
            prefix=environ.get("UP_PREFIX", "shop_up"),
            admin_url=environ.get(
                "UP_ADMIN_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"
            ),
            broker_url=environ.get("CELERY_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//"),
            redis_url=environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
            gateway_port=int(environ.get("UP_GATEWAY_PORT", "8080")),
            flower_port=int(environ.get("UP_FLOWER_PORT", "5555")),
            smtp_port=int(environ.get("UP_SMTP_PORT", "1025")),
            mail_port=int(environ.get("UP_MAIL_PORT", "1080")),
        )


# --- the deployment ---------------------------------------------------------------------------


def describe(topology: str) -> dict[str, Any]:
    """`manage.py topology --all --json` for `topology`: services, contexts, URLs, databases."""
    # Read by a monolith process: one of a topology of several services would need SHOP_SERVICE.
    env = {**os.environ, "DEBUG": "true", "SHOP_TOPOLOGY": "monolith"}
    env.pop("SHOP_SERVICE", None)
    run = subprocess.run(
        [PYTHON, "manage.py", "topology", "--all", "--json", "--topology", topology],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if run.returncode != 0:
        raise SystemExit(f"Unknown or invalid topology {topology!r}:\n{run.stderr}")
    described: dict[str, Any] = json.loads(run.stdout)
    return described


def url_variable(service: dict[str, Any], topology_file: Path) -> str:
    """The variable the topology reads this service's URL from (`${PAYMENTS_URL:-...}`)."""
    text = topology_file.read_text()
    block = text.split(f"[services.{service['name']}]", 1)[1]
    match = _URL_VARIABLE.search(block)
    return match.group("name") if match else f"{service['name'].upper()}_URL"


def read_env_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith("#") and "=" in line:
            name, value = line.split("=", 1)
            values[name] = value
    return values


def service_env(
    options: Options,
    service: dict[str, Any],
    *,
    urls: dict[str, str],
    database_url: str,
    production: dict[str, str],
) -> dict[str, str]:
    """What every process of `service` is told (besides the machine's own environment)."""
    env = {
        **production,
        "SHOP_TOPOLOGY": options.topology,
        "SHOP_SERVICE": service["name"],
        service["database"]: database_url,
        "CELERY_BROKER_URL": options.broker_url,
        "REDIS_URL": options.redis_url,
        "EMAIL_URL": f"smtp://127.0.0.1:{options.smtp_port}",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # nginx sets X-Forwarded-For/-Proto; no TLS on this machine, so no redirect to https.
        "NUM_PROXIES": "1",
        "PLAIN_HTTP": "true",
        "SERVICE_PRIVATE_KEY_FILE": str(service_key(service["name"])),
        **urls,
    }
    if "identity" not in service["contexts"]:
        env.pop("JWT_PRIVATE_KEY_FILE", None)  # only identity's service holds identity's key
    return env


def service_key(service: str) -> Path:
    from modulith.http.keys import PRODUCTION_KEY_BITS, create_key_pair

    path = STATE / "keys" / f"service-{service}-private.pem"
    create_key_pair(path, bits=PRODUCTION_KEY_BITS)  # no-op when it exists
    return path


# --- databases ----------------------------------------------------------------------------------


def with_database(url: str, database: str, user: str | None = None, password: str = "") -> str:
    parts = urlsplit(url)
    netloc = parts.netloc
    if user is not None:
        host = f"{parts.hostname or '127.0.0.1'}:{parts.port or 5432}"
        netloc = f"{user}:{password}@{host}"
    return urlunsplit(parts._replace(netloc=netloc, path=f"/{database}"))


def provision(options: Options, service: str) -> str:
    """The service's database and role (made if missing, a new password each run): its URL."""
    name = f"{options.prefix}_{service}".replace("-", "_")
    password = secrets.token_urlsafe(18)
    with psycopg.connect(options.admin_url, autocommit=True) as admin:
        role = sql.Identifier(name)
        exists = admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone()
        verb = sql.SQL("ALTER" if exists else "CREATE")
        admin.execute(
            sql.SQL("{} ROLE {} LOGIN PASSWORD {}").format(verb, role, sql.Literal(password))
        )
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            admin.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(role, role))
            admin.execute(sql.SQL("REVOKE CONNECT ON DATABASE {} FROM PUBLIC").format(role))
    return with_database(options.admin_url, name, user=name, password=password)


def drop(options: Options) -> None:
    pattern = options.prefix.replace("_", "\\_") + "\\_%"  # "_" alone matches any character
    with psycopg.connect(options.admin_url, autocommit=True) as admin:
        databases = admin.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", (pattern,)
        ).fetchall()
        for (name,) in databases:
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            print(f"dropped database {name}")
        roles = admin.execute("SELECT rolname FROM pg_roles WHERE rolname LIKE %s", (pattern,))
        for (name,) in roles.fetchall():
            admin.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(name)))
            print(f"dropped role {name}")


# --- processes ----------------------------------------------------------------------------------


def manage(env: Mapping[str, str], *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env={**os.environ, **env}, check=True)


def port_of(url: str) -> int:
    return urlsplit(url).port or 80


def worker_name(queue: str) -> str:
    """`worker-payments` for queue ctx.payments: queues are unique across a deployment."""
    return "worker-" + queue.removeprefix("ctx.").replace(".", "-").replace("_", "-")


def procfile(options: Options, described: dict[str, Any], nginx: str) -> str:
    lines = []
    for service in described["services"]:
        name = service["name"]
        run = f"set -a; . {shlex.quote(str(STATE / 'env' / name))}.env; set +a; exec"
        lines += [
            f"web-{name}: {run} {BIN}/gunicorn config.wsgi --bind 127.0.0.1:"
            f"{port_of(service['url'])} --workers 2 --threads 4 --access-logfile -",
            *(
                f"{worker_name(queue)}: {run} {BIN}/celery -A config worker -Q {queue}"
                f" -n {queue}@%h --concurrency 1 --loglevel INFO"
                for queue in service["queues"]
            ),
            f"relay-{name}: {run} {PYTHON} manage.py events relay",
        ]
        if service["beat"]:
            lines.append(f"beat: {run} {BIN}/celery -A config beat --loglevel INFO")
    home = STATE / "env" / f"{described['home']}.env"
    gateway = STATE / "gateway"
    lines += [
        f"gateway: exec {nginx} -p {gateway} -c {gateway / 'nginx.conf'} -g 'daemon off;'",
        f"flower: set -a; . {home}; set +a; exec {BIN}/celery -A config flower"
        f" --address=127.0.0.1 --port={options.flower_port}",
        f"mail: exec {BIN}/maildump -f --smtp-ip 127.0.0.1 --smtp-port {options.smtp_port}"
        f" --http-ip 127.0.0.1 --http-port {options.mail_port} --db {STATE / 'mail.sqlite'}",
    ]
    return "\n".join(lines) + "\n"


def write_env(path: Path, env: Mapping[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.writelines(f"{name}={shlex.quote(value)}\n" for name, value in env.items())


def wait_for(url: str, honcho: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if honcho.poll() is not None:
            raise SystemExit("make up: a process exited while starting; see its log above.")
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"make up: {url} never answered.")


def start(options: Options) -> int:
    described = describe(options.topology)
    nginx = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    if nginx is None:
        raise SystemExit("make up needs nginx for the gateway: apt-get install nginx")
    STATE.mkdir(parents=True, exist_ok=True)
    production_file = STATE / "production.env"
    manage({"DEBUG": "true"}, "production_env", str(production_file))
    production = read_env_file(production_file)
    topology_file = Path(described["source"])
    urls = {url_variable(s, topology_file): s["url"] for s in described["services"]}
    envs = {}
    for service in described["services"]:
        database_url = provision(options, service["name"])
        envs[service["name"]] = env = service_env(
            options, service, urls=urls, database_url=database_url, production=production
        )
        write_env(STATE / "env" / f"{service['name']}.env", env)
    home_env = envs[described["home"]]
    migrations = [
        subprocess.Popen([PYTHON, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=ROOT,
                         env={**os.environ, **env})
        for env in envs.values()
    ]  # fmt: skip
    if any(process.wait() != 0 for process in migrations):
        raise SystemExit("make up: a migration failed; see above.")
    manage(home_env, "collectstatic", "--no-input", "-v", "0")
    gateway = STATE / "gateway"
    gateway.mkdir(exist_ok=True)
    manage(home_env, "topology", "gateway", "--output", str(gateway / "nginx.conf"),
           "--listen", str(options.gateway_port))  # fmt: skip
    (STATE / "Procfile").write_text(procfile(options, described, nginx))
    honcho = subprocess.Popen(
        [str(BIN / "honcho"), "-f", str(STATE / "Procfile"), "-d", str(ROOT), "start"],
        cwd=ROOT,
    )
    (STATE / "honcho.pid").write_text(str(honcho.pid))
    # Ctrl-C reaches honcho too (same process group): it stops the processes; we wait for it.
    signal.signal(signal.SIGINT, lambda *_: None)
    signal.signal(signal.SIGTERM, lambda *_: honcho.send_signal(signal.SIGTERM))
    base = f"http://127.0.0.1:{options.gateway_port}"
    try:
        wait_for(f"{base}/health/ready/", honcho)
        load_demo(described, envs)
        print(
            f"\nmake up: topology {options.topology} is serving {base}/  (API docs "
            f"{base}/api/docs/, admin {base}/admin/)\n"
            f"  Flower: http://127.0.0.1:{options.flower_port}/   "
            f"mail catcher: http://127.0.0.1:{options.mail_port}/   Ctrl-C stops everything.\n",
            flush=True,
        )
    except SystemExit:
        honcho.send_signal(signal.SIGTERM)
        honcho.wait()
        raise
    status = honcho.wait()
    (STATE / "honcho.pid").unlink(missing_ok=True)
    # Stopped by Ctrl-C or `make down` (honcho exits 130 or 143 then): a clean stop.
    return 0 if status in (0, 130, 143, -signal.SIGINT, -signal.SIGTERM) else status


def load_demo(described: dict[str, Any], envs: dict[str, dict[str, str]]) -> None:
    """Each service loads its own contexts' demo data, twice: stock items appear in inventory
    only once catalog's ProductPublished events reach it, and a second pass stocks them."""
    for attempt in range(2):
        for service in described["services"]:
            manage(envs[service["name"]], "demo")
        if attempt == 0:
            time.sleep(3)


def down(options: Options, *, drop_all: bool) -> None:
    pid_file = STATE / "honcho.pid"
    if pid_file.exists():
        try:
            os.kill(int(pid_file.read_text()), signal.SIGTERM)
            print("stopped the running `make up`")
        except ProcessLookupError:
            pass
        pid_file.unlink(missing_ok=True)
    if drop_all:
        drop(options)
        shutil.rmtree(STATE, ignore_errors=True)
        print(f"removed {STATE}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.up")
    parser.add_argument("action", choices=["start", "down"])
    parser.add_argument("--topology")
    parser.add_argument("--drop", action="store_true", help="down: drop databases, roles, var/up")
    args = parser.parse_args(argv)
    options = Options.from_environ(os.environ, args.topology)
    if args.action == "down":
        down(options, drop_all=args.drop)
        return 0
    return start(options)


if __name__ == "__main__":
    sys.exit(main())
