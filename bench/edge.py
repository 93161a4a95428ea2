"""The HTTP edge under hostile bodies: prints what the worst request per endpoint costs the server.

    make bench-edge                 # or: python bench/edge.py
    BENCH_EDGE_DATABASE_URL=postgres://… python bench/edge.py

Not a test; nothing is asserted. It migrates a PostgreSQL database (default
postgres://postgres@127.0.0.1:5432/shop_bench_edge, created if missing), loads the demo data,
starts a production-like gunicorn (DEBUG off, one sync worker) and sends, per endpoint, the
costliest bodies it knows of, each just under MAX_REQUEST_BYTES: a list of 250,000 empty
objects, thousands of unknown fields, nesting at and past the depth limit, megabyte strings,
64-bit-overflowing limits. For every request it prints the status, the wall time, the CPU time
the worker spent (from /proc/<pid>/stat) and the worker's peak resident memory during it
(VmHWM after resetting it through /proc/<pid>/clear_refs). The goal: no request over 0.5 s of
CPU or 50 MB above the worker's resident size before it. Figures are kept in docs/edge.md.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench_databases import ensure_database

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
LIMIT = int(os.environ.get("MAX_REQUEST_BYTES", str(1024 * 1024)))
DATABASE_URL = os.environ.get(
    "BENCH_EDGE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/shop_bench_edge"
)
CPU_GOAL_SECONDS = 0.5
MEMORY_GOAL_MB = 50.0
TICKS = os.sysconf("SC_CLK_TCK")


def server_env() -> dict[str, str]:
    return {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "benchmark-only-key-not-secret-" + "x" * 40,
        "DATABASE_URL": DATABASE_URL,
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "CRITICAL",
        "ALLOWED_HOSTS": "127.0.0.1",
        # Hundreds of requests from one address: the throttles would answer them instead.
        "THROTTLE_TOKEN_RATE": "100000/min",
        "THROTTLE_REGISTER_RATE": "100000/min",
        "THROTTLE_QUOTE_RATE": "100000/min",
        "THROTTLE_ORDER_RATE": "100000/min",
    }


def manage(*arguments: str, debug: bool = False) -> None:
    env = server_env() | ({"DEBUG": "true"} if debug else {})
    subprocess.run(
        [PYTHON, "manage.py", *arguments], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def gunicorn() -> Iterator[tuple[str, int]]:
    port = free_port()
    process = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "300",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=server_env(),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{base}/health/", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit("gunicorn did not start")
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
        yield base, int(children[0])
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def memory_kb(pid: int, name: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(name + ":"):
            return int(line.split()[1])
    return 0


def request(
    base: str,
    method: str,
    path: str,
    body: bytes | None,
    token: str = "",
    headers: dict[str, str] | None = None,
) -> tuple[int, bytes]:
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    if token:
        all_headers["Authorization"] = f"Bearer {token}"
    call = urllib.request.Request(base + path, data=body, method=method, headers=all_headers)
    try:
        with urllib.request.urlopen(call, timeout=300) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@dataclass(frozen=True)
class Case:
    endpoint: str
    method: str
    path: str
    label: str
    body: bytes | None
    who: str = ""  # "", "customer" or "staff"


def fill_list(prefix: str, item: str, suffix: str) -> bytes:
    """`prefix` + as many `item`s as fit under LIMIT, comma-separated, + `suffix`."""
    room = LIMIT - len(prefix) - len(suffix) - 64
    count = room // (len(item) + 1)
    return (prefix + ",".join([item] * count) + suffix).encode()


def unknown_fields() -> bytes:
    fields, size, index = [], 2, 0
    while size < LIMIT - 64:
        field = f'"f{index}":0'
        fields.append(field)
        size += len(field) + 1
        index += 1
    return ("{" + ",".join(fields) + "}").encode()


def long_string(name: str, extra: str = "") -> bytes:
    return ('{"' + name + '":"' + "A" * (LIMIT - 200) + '"' + extra + "}").encode()


def at_depth(depth: int) -> bytes:
    """A list of as many `depth`-deep nests as fit."""
    nest = "[" * (depth - 1) + "]" * (depth - 1)
    return fill_list("[", nest, "]")


HOSTILE: dict[str, Callable[[], bytes]] = {
    "250k empty list items": lambda: fill_list('{"country":"DE","lines":[', "{}", "]}"),
    "unknown fields": unknown_fields,
    "nested 16 deep (limit)": lambda: at_depth(16),
    "nested 17 deep": lambda: at_depth(17),
    "nested 100,000 deep": lambda: ("[" * 100_000 + "]" * 100_000).encode(),
    "numbers list": lambda: fill_list('{"lines":[', "1e400", "]}"),
    "340k empty strings": lambda: fill_list('{"lines":[', '""', "]}"),
    "escaped quotes": lambda: ('{"lines":["' + '\\"' * (LIMIT // 2 - 64) + '"]}').encode(),
}


def cases() -> Iterator[Case]:
    bodies = {label: make() for label, make in HOSTILE.items()}
    posts = [
        ("shipping quotes", "/api/shipping/quotes/", ""),
        ("identity register", "/api/identity/register/", ""),
        ("identity token", "/api/identity/token/", ""),
        ("identity token refresh", "/api/identity/token/refresh/", ""),
        ("orders place", "/api/orders/", "customer"),
        ("payment methods create", "/api/payments/methods/", "customer"),
        ("catalog products create", "/api/catalog/products/", "staff"),
        ("inventory adjust", "/api/inventory/stock/TEA-001/adjustments/", "staff"),
    ]
    for endpoint, path, who in posts:
        for label, body in bodies.items():
            yield Case(endpoint, "POST", path, label, body, who)
    for endpoint, field in [
        ("shipping quotes", "country"),
        ("identity token", "email"),
        ("catalog products create", "sku"),
        ("orders place", "lines"),
    ]:
        path = next(path for name, path, _ in posts if name == endpoint)
        who = next(who for name, _, who in posts if name == endpoint)
        yield Case(endpoint, "POST", path, "1 MB string", long_string(field), who)
    lines = json.dumps([{"sku": "TEA-001", "quantity": 1, "weight_grams": 1_000_000}] * 100)
    yield Case(
        "shipping quotes",
        "POST",
        "/api/shipping/quotes/",
        "100 valid lines",
        f'{{"country":"DE","lines":{lines}}}'.encode(),
    )
    address = {"name": "A", "line1": "B", "city": "C", "postal_code": "1", "country": "DE"}
    yield Case(
        "identity token",
        "POST",
        "/api/identity/token/",
        "right password",
        json.dumps({"email": "customer@example.com", "password": "Shop-Customer-Demo-1"}).encode(),
    )
    yield Case(
        "orders place",
        "POST",
        "/api/orders/",
        "50 lines, unknown skus",
        json.dumps(
            {
                "lines": [{"sku": f"NO-{i}", "quantity": 100} for i in range(50)],
                "shipping_address": address,
                "payment_method_id": "00000000-0000-0000-0000-000000000000",
            }
        ).encode(),
        "customer",
    )
    yield Case(
        "catalog products update",
        "PATCH",
        "/api/catalog/products/TEA-001/",
        "unknown fields",
        bodies["unknown fields"],
        "staff",
    )
    for path, who in [
        ("/api/catalog/products/", ""),
        ("/api/orders/", "staff"),
        ("/api/shipping/shipments/", "staff"),
        ("/api/payments/", "staff"),
        ("/api/notifications/", "customer"),
        ("/api/inventory/stock/", "staff"),
    ]:
        for query in (
            "limit=100",
            "limit=9223372036854775808",
            "offset=" + "9" * 4000,
            "search=" + "a" * 7000,
        ):
            yield Case(
                path.strip("/").split("/")[1] + " list",
                "GET",
                f"{path}?{query}",
                query[:30],
                None,
                who,
            )


def log_in(base: str, email: str, password: str) -> str:
    status, body = request(
        base,
        "POST",
        "/api/identity/token/",
        json.dumps({"email": email, "password": password}).encode(),
    )
    if status != 200:
        raise SystemExit(f"could not log in as {email}: {status} {body[:200]!r}")
    return str(json.loads(body)["access"])


@contextmanager
def demo_shop() -> Iterator[tuple[str, int, dict[str, str]]]:
    """gunicorn over the migrated demo database: its URL, worker pid and tokens by caller
    ("" anonymous, "customer", "staff")."""
    ensure_database(DATABASE_URL)
    manage("migrate", "--noinput", "-v", "0")
    manage("ensure_dev_keys", debug=True)
    manage("demo")
    with gunicorn() as (base, worker):
        yield (
            base,
            worker,
            {
                "": "",
                "customer": log_in(base, "customer@example.com", "Shop-Customer-Demo-1"),
                "staff": log_in(base, "staff@example.com", "Shop-Staff-Demo-1"),
            },
        )


def main() -> None:
    with demo_shop() as (base, worker, tokens):
        print(f"gunicorn worker {worker}; bodies up to {LIMIT} bytes")
        print(
            f"{'endpoint':28} {'body':28} {'status':>6} {'wall s':>7} {'cpu s':>6} "
            f"{'peak +MB':>8} {'answer KB':>9}"
        )
        worst_cpu = worst_memory = 0.0
        for case in cases():
            rss_before = memory_kb(worker, "VmRSS")
            Path(f"/proc/{worker}/clear_refs").write_text("5")  # resets VmHWM to VmRSS
            cpu_before = cpu_seconds(worker)
            started = time.perf_counter()
            status, answer = request(
                base,
                case.method,
                case.path,
                case.body,
                tokens[case.who],
                {"Idempotency-Key": f"bench-{time.time_ns()}"},
            )
            wall = time.perf_counter() - started
            cpu = cpu_seconds(worker) - cpu_before
            peak = (memory_kb(worker, "VmHWM") - rss_before) / 1024
            worst_cpu, worst_memory = max(worst_cpu, cpu), max(worst_memory, peak)
            flag = " !" if cpu > CPU_GOAL_SECONDS or peak > MEMORY_GOAL_MB or status >= 500 else ""
            print(
                f"{case.endpoint:28} {case.label:28} {status:>6} {wall:7.3f} {cpu:6.2f} "
                f"{peak:8.1f} {len(answer) / 1024:9.1f}{flag}"
            )
        print(
            f"worst CPU {worst_cpu:.2f} s (goal {CPU_GOAL_SECONDS}), worst peak "
            f"{worst_memory:.1f} MB (goal {MEMORY_GOAL_MB}); '!' marks a miss or a 5xx"
        )


if __name__ == "__main__":
    main()
