"""The shop side by side with plain DRF and plain Celery: prints figures and ratios (asserts none).

    make bench                 # full run, ~20 minutes on 2 cores
    BENCH_QUICK=1 make bench   # smoke run: one short round, one broker, small counts

In one window, interleaved A B A B for BENCH_ROUNDS rounds (default 3), the shop (A) and the
baseline project in bench/baseline/ (B) are served by gunicorn with the same flags and loaded by
`wrk -t2 -c16` (10 s per side and row). Each round runs, for both sides:

  POST /api/orders/ (fresh Idempotency-Key)        vs  the baseline's one-INSERT POST
  the same with one Celery worker (-c 2) running   vs  the same, with the plain worker idle
  GET /api/catalog/products/ (anonymous)           vs  the baseline's constant GET
  GET /api/orders/<id>/ (the customer's own)       vs  the baseline's constant GET
  saga: N orders placed with no worker, then one worker (prefork -c 2) and the relay drain
        them until every order is confirmed and its payment captured
                                                   vs  plain Celery draining trivial tasks
                                                       (prefork -c 2, prefetch 1, same broker)

and samples the RSS of the gunicorn workers. After the rounds, bench/events.py (the kernel's
own benchmark) runs once per broker. Every figure is printed with its median, min-max over the
rounds, the baseline's, the ratio of the medians and the goal of issue 8.

Environment (defaults in brackets):
  BENCH_POSTGRES     server URL without a database [postgres://postgres@127.0.0.1:5432]
  BENCH_NAME         part of the names of the three databases it drops and creates:
                     shop_<name>_shop, shop_<name>_baseline, shop_<name>_events [bench]
  BENCH_REDIS_URL    Redis broker (and the shop's cache) [redis://127.0.0.1:6379/13]
  BENCH_RABBITMQ_URL RabbitMQ broker [amqp://guest:guest@127.0.0.1:5672//]
  BENCH_BROKERS      which brokers the saga and kernel rows run on, the first also carries the
                     HTTP rows [redis,rabbitmq; quick: redis]
  BENCH_ROWS         which groups of rows run [http,saga,kernel]: e.g. saga alone
  BENCH_ROUNDS, BENCH_SECONDS, BENCH_SAGA_ORDERS, BENCH_TRIVIAL_TASKS override the sizes.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (
    BENCH,
    BIN,
    ROOT,
    Process,
    Server,
    celery_worker,
    child_pids,
    cpu_seconds,
    http_json,
    purge_queues,
    query_value,
    queue_length,
    recreate_database,
    running,
    wrk,
)

QUICK = os.environ.get("BENCH_QUICK", "") not in ("", "0", "false")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "1" if QUICK else "3"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "2" if QUICK else "10"))
SAGA_ORDERS = int(os.environ.get("BENCH_SAGA_ORDERS", "10" if QUICK else "300"))
TRIVIAL_TASKS = int(os.environ.get("BENCH_TRIVIAL_TASKS", "200" if QUICK else "3000"))
POSTGRES = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432").rstrip("/")
NAME = os.environ.get("BENCH_NAME", "bench")
BROKER_URLS = {
    "redis": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13"),
    "rabbitmq": os.environ.get("BENCH_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672//"),
}
BROKERS = os.environ.get("BENCH_BROKERS", "redis" if QUICK else "redis,rabbitmq").split(",")
ROWS = os.environ.get("BENCH_ROWS", "http,saga,kernel").split(",")

CONTEXTS = ("identity", "catalog", "shipping", "inventory", "payments", "orders", "notifications")
SHOP_QUEUES = [f"ctx.{context}" for context in CONTEXTS]
BASELINE_QUEUE = "baseline.trivial"
CUSTOMER = {"email": "customer@example.com", "password": "Shop-Customer-Demo-1"}
BENCH_STOCK = 10_000_000  # units per sku, so no benchmark order is refused for want of stock


# --- Setting up both sides -----------------------------------------------------------------------


def shop_env(database_url: str, broker_url: str, key_file: Path) -> dict[str, str]:
    """A production-like shop: DEBUG off, JSON logs at INFO, every context's events on Celery."""
    return {
        "DEBUG": "false",
        "SECRET_KEY": "benchmark-only-secret-key-" + "0123456789" * 5,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker_url,
        "REDIS_URL": BROKER_URLS["redis"],
        "CONTEXT_TRANSPORTS": ",".join(f"{context}=celery" for context in CONTEXTS),
        "JWT_PRIVATE_KEY_FILE": str(key_file),
        "JWT_ACCESS_TOKEN_SECONDS": "86400",  # one token lasts the whole run
        # One customer places every order: the per-customer throttle stays on (its check is part
        # of a placement's cost) with a rate no benchmark reaches.
        "THROTTLE_ORDER_RATE": "1000000/min",
    }


def baseline_env(database_url: str, broker_url: str) -> dict[str, str]:
    return {"BASELINE_DATABASE_URL": database_url, "BASELINE_BROKER_URL": broker_url}


def write_signing_key(directory: Path) -> Path:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    path = directory / "jwt-private.pem"
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path


def run_checked(command: list[str], *, cwd: Path, env: dict[str, str]) -> None:
    import subprocess

    result = subprocess.run(
        command, cwd=cwd, env={**os.environ, **env}, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")


STOCK_UP = (
    "from contexts.inventory import selectors, services\n"
    "for item in selectors.stock_item_list():\n"
    f"    services.stock_adjust(sku=item.sku, delta={BENCH_STOCK}, reason='benchmark stock',"
    " actor_id=None)\n"
)


def prepare_shop(env: dict[str, str]) -> None:
    """Migrate, load the demo data and stock it up. Events are delivered in process here, so
    that inventory tracks the catalog's products before any worker runs."""
    env = {key: value for key, value in env.items() if key != "CONTEXT_TRANSPORTS"}
    manage = [str(BIN / "python"), "manage.py"]
    run_checked([*manage, "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env)
    run_checked([*manage, "demo"], cwd=ROOT, env=env)
    run_checked([*manage, "shell", "-c", STOCK_UP], cwd=ROOT, env=env)


@dataclass
class Customer:
    """The demo customer as the load generator sees it: a token and what an order needs."""

    token: str
    order_body: str
    order_id: str = ""

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def order_body(payment_method_id: str) -> dict[str, object]:
    """Every benchmark order: one line of TEA-001 to a German address, paid by this method."""
    return {
        "lines": [{"sku": "TEA-001", "quantity": 1}],
        "shipping_address": {
            "name": "Bench Customer",
            "line1": "Hauptstr. 1",
            "city": "Berlin",
            "postal_code": "10115",
            "country": "DE",
        },
        "payment_method_id": payment_method_id,
    }


def log_in(shop: Server) -> Customer:
    token = http_json("POST", f"{shop.base}/api/identity/token/", body=CUSTOMER)["access"]
    headers = {"Authorization": f"Bearer {token}"}
    methods = http_json("GET", f"{shop.base}/api/payments/methods/", headers=headers)
    body = order_body(methods["results"][0]["id"])
    customer = Customer(token=token, order_body=json.dumps(body))
    customer.order_id = place_order(shop, customer)
    return customer


def place_order(shop: Server, customer: Customer) -> str:
    headers = {**customer.headers, "Idempotency-Key": str(uuid.uuid4())}
    body = json.loads(customer.order_body)
    return str(http_json("POST", f"{shop.base}/api/orders/", body=body, headers=headers)["id"])


# --- Collecting figures --------------------------------------------------------------------------


@dataclass
class Figures:
    """Per row and side, the value of every round (and side figures such as latency or CPU)."""

    values: dict[tuple[str, str], list[float]] = field(default_factory=lambda: defaultdict(list))

    def add(self, row: str, side: str, value: float) -> None:
        self.values[(row, side)].append(value)

    def median(self, row: str, side: str) -> float:
        return statistics.median(self.values[(row, side)])

    def spread(self, row: str, side: str) -> str:
        values = self.values[(row, side)]
        if not values:
            return "n/a"
        return f"{statistics.median(values):,.1f} ({min(values):,.1f}-{max(values):,.1f})"

    def has(self, row: str, side: str) -> bool:
        return bool(self.values.get((row, side)))


def measure_load(figures: Figures, row: str, side: str, server: Server, path: str, **options):
    result = wrk(server, path, seconds=SECONDS, **options)
    figures.add(row, side, result.requests_per_s)
    figures.add(f"{row}:p50", side, result.p50_ms)
    figures.add(f"{row}:cpu", side, result.cpu_ms_per_request)
    if result.failed:
        figures.add(f"{row}:failed", side, result.failed)
    print(
        f"  {row:<14} {side:<8} {result.requests_per_s:9,.1f} req/s  p50 {result.p50_ms:6.1f} ms"
        f"  CPU {result.cpu_ms_per_request:5.2f} ms/request  ({result.requests} requests,"
        f" {result.failed} failed)",
        flush=True,
    )


def http_rows(
    figures: Figures,
    shop: Server,
    baseline: Server,
    customer: Customer,
    workers: tuple[dict[str, str], dict[str, str]],
    broker_url: str,
    round_number: int,
) -> None:
    post_note = json.dumps({"text": "one row"})
    order_key = f"r{round_number}-{uuid.uuid4().hex[:8]}"

    def post_both(row: str) -> None:
        measure_load(
            figures, row, "shop", shop, "/api/orders/", headers=customer.headers,
            post_body=customer.order_body, key_prefix=f"{order_key}-{row}",
        )  # fmt: skip
        measure_load(figures, row, "baseline", baseline, "/notes/", post_body=post_note)

    post_both("post")
    # With one worker running: it handles the saga of every order placed meanwhile. The plain
    # worker runs too but idles, as the baseline POST publishes nothing.
    purge_queues(broker_url, SHOP_QUEUES)
    shop_worker_env, baseline_worker_env = workers
    with ExitStack() as stack:
        for process in (
            celery_worker("shop-worker", "config", SHOP_QUEUES, cwd=ROOT, env=shop_worker_env),
            celery_worker(
                "plain-worker", "baseline.tasks", [BASELINE_QUEUE], cwd=BENCH,
                env=baseline_worker_env,
            ),
        ):  # fmt: skip
            stack.enter_context(running(process)).wait_for_log(" ready.")
        post_both("post+worker")
    purge_queues(broker_url, SHOP_QUEUES)

    measure_load(figures, "catalog", "shop", shop, "/api/catalog/products/")
    measure_load(figures, "catalog", "baseline", baseline, "/constant/")
    order_path = f"/api/orders/{customer.order_id}/"
    measure_load(figures, "order", "shop", shop, order_path, headers=customer.headers)
    measure_load(figures, "order", "baseline", baseline, "/constant/")
    figures.add("rss", "shop", shop.worker_rss())
    figures.add("rss", "baseline", baseline.worker_rss())


def saga_row(
    figures: Figures, broker: str, shop: Server, customer: Customer, env: dict[str, str]
) -> None:
    """Place N orders with no worker; then a worker (-c 2) and the relay drain their sagas."""
    broker_url = BROKER_URLS[broker]
    database_url = env["DATABASE_URL"]
    purge_queues(broker_url, SHOP_QUEUES)
    with ThreadPoolExecutor(8) as pool:
        order_ids = list(pool.map(lambda _: place_order(shop, customer), range(SAGA_ORDERS)))
    handler_runs_before = query_value(database_url, "SELECT count(*) FROM modulith_inboxmessage")
    progress_sql = (
        "SELECT count(*) FILTER (WHERE status = 'confirmed' AND payment_status = 'captured'),"
        " count(*) FILTER (WHERE status IN ('rejected', 'cancelled'))"
        " FROM orders_order WHERE id = ANY(%s::uuid[])"
    )
    worker = celery_worker("saga-worker", "config", SHOP_QUEUES, cwd=ROOT, env=env)
    relay = Process(
        "relay", [str(BIN / "python"), "manage.py", "events", "relay"], cwd=ROOT, env=env
    )
    with running(worker), running(relay):
        start = worker.wait_for_log(" ready.")
        # The machine time the saga costs: CPU of the worker's processes and the relay, less
        # moved by the machine's load than the wall clock.
        processes = [worker.pid, *child_pids(worker.pid), relay.pid]
        cpu_before = cpu_seconds(processes)
        deadline = time.monotonic() + max(120, SAGA_ORDERS)
        import psycopg

        with psycopg.connect(database_url, autocommit=True) as connection:
            while time.monotonic() < deadline:
                done, failed = connection.execute(progress_sql, [order_ids]).fetchone()
                if done + failed >= len(order_ids):
                    break
                time.sleep(0.05)
        seconds = time.perf_counter() - start
        cpu = cpu_seconds(processes) - cpu_before
    handler_runs = (
        query_value(database_url, "SELECT count(*) FROM modulith_inboxmessage")
        - handler_runs_before
    )
    figures.add(f"saga:{broker}", "shop", done / seconds)
    figures.add(f"handlers:{broker}", "shop", handler_runs / seconds)
    figures.add(f"handlers_per_order:{broker}", "shop", handler_runs / max(done + failed, 1))
    figures.add(f"handlers:{broker}:cpu", "shop", cpu * 1000 / max(handler_runs, 1))
    print(
        f"  saga {broker:<9} shop     {done} of {len(order_ids)} confirmed+captured"
        f" ({failed} rejected or cancelled) in {seconds:.1f} s: {done / seconds:,.1f} orders/s,"
        f" {handler_runs} handler runs = {handler_runs / seconds:,.1f}/s,"
        f" {cpu * 1000 / max(handler_runs, 1):.2f} ms CPU (worker and relay) per handler run",
        flush=True,
    )


def trivial_tasks_row(figures: Figures, broker: str, env: dict[str, str]) -> None:
    """Plain Celery: queue trivial tasks, then time a worker (-c 2, prefetch 1) draining them."""
    from celery import Celery

    broker_url = BROKER_URLS[broker]
    purge_queues(broker_url, [BASELINE_QUEUE])
    sender = Celery("baseline-sender", broker=broker_url)
    sender.conf.task_default_queue = BASELINE_QUEUE
    for number in range(TRIVIAL_TASKS):
        sender.send_task("baseline.trivial", args=(number,))
    sender.close()
    worker = celery_worker("plain-worker", "baseline.tasks", [BASELINE_QUEUE], cwd=BENCH, env=env)
    with running(worker), queue_length(broker_url, BASELINE_QUEUE) as waiting:
        start = worker.wait_for_log(" ready.")
        processes = [worker.pid, *child_pids(worker.pid)]
        cpu_before = cpu_seconds(processes)
        deadline = time.monotonic() + 300
        while waiting() and time.monotonic() < deadline:
            time.sleep(0.02)
        # At most two tasks (one prefetched per process) are still running: under 0.1 %.
        seconds = time.perf_counter() - start
        cpu = cpu_seconds(processes) - cpu_before
    figures.add(f"handlers:{broker}", "baseline", TRIVIAL_TASKS / seconds)
    figures.add(f"handlers:{broker}:cpu", "baseline", cpu * 1000 / TRIVIAL_TASKS)
    print(
        f"  tasks {broker:<8} baseline {TRIVIAL_TASKS} trivial tasks in {seconds:.1f} s:"
        f" {TRIVIAL_TASKS / seconds:,.1f}/s, {cpu * 1000 / TRIVIAL_TASKS:.2f} ms CPU per task",
        flush=True,
    )


def kernel_bench(broker: str, database_url: str) -> dict[str, float]:
    """bench/events.py on this broker; its figures come back through a JSON file."""
    import subprocess

    out = Path(tempfile.mkstemp(prefix="bench-events-", suffix=".json")[1])
    env = {
        **os.environ,
        "BENCH_DATABASE_URL": database_url,
        "BENCH_BROKER_URL": BROKER_URLS[broker],
        "BENCH_JSON_OUT": str(out),
    }
    if QUICK:
        env.update(BENCH_SAMPLES="100", BENCH_RELAY_EVENTS="300", BENCH_LATENCY_SAMPLES="20")
    print(f"\nkernel bench (bench/events.py) on {broker}:", flush=True)
    subprocess.run([str(BIN / "python"), str(BENCH / "events.py")], env=env, check=True)
    try:
        return json.loads(out.read_text())
    finally:
        out.unlink(missing_ok=True)


# --- The report ----------------------------------------------------------------------------------

HTTP_ROWS = (
    # label, row, goal: the shop's median at least this ratio of the baseline's
    ("POST /api/orders/ (no worker)", "post", 0.35),
    ("POST /api/orders/ (one worker -c 2 running)", "post+worker", 0.25),
    ("GET /api/catalog/products/ (anonymous)", "catalog", 0.4),
    ("GET /api/orders/<id>/ (customer)", "order", 0.4),
)


def verdict(reached: bool) -> str:
    return "reached" if reached else "NOT reached"


def print_report(figures: Figures, kernel: dict[str, dict[str, float]]) -> None:
    width = 46
    print(
        "\nload average (1 min) at the start of the rounds:"
        f" {figures.spread('load', 'machine')} on {os.cpu_count()} CPUs"
    )
    print(f"\n{'operation':<{width}} {'shop median (min-max)':>28} {'baseline':>28}  ratio  goal")
    for label, row, goal in HTTP_ROWS:
        if not figures.has(row, "shop"):
            continue
        shop, baseline = figures.median(row, "shop"), figures.median(row, "baseline")
        ratio = shop / baseline
        print(
            f"{label + ', req/s':<{width}} {figures.spread(row, 'shop'):>28}"
            f" {figures.spread(row, 'baseline'):>28}  {ratio:4.2f}x  >= {goal}x"
            f" {verdict(ratio >= goal)}"
        )
        for figure, unit in ((":p50", "p50 latency, ms"), (":cpu", "app CPU per request, ms")):
            print(
                f"{'    ' + unit:<{width}} {figures.spread(row + figure, 'shop'):>28}"
                f" {figures.spread(row + figure, 'baseline'):>28}"
            )
        for side in ("shop", "baseline"):
            if figures.has(row + ":failed", side):
                failed = sum(figures.values[(row + ":failed", side)])
                print(
                    f"    !! {side}: {failed:.0f} requests failed (non-2xx answers or socket"
                    " errors); wrk counts the answers among the requests per second"
                )
    for broker in BROKERS:
        saga, handlers = f"saga:{broker}", f"handlers:{broker}"
        if not figures.has(saga, "shop"):
            continue
        orders_per_s = figures.median(saga, "shop")
        ratio = figures.median(handlers, "shop") / figures.median(handlers, "baseline")
        print(
            f"{f'saga on {broker}, orders/s confirmed+captured':<{width}}"
            f" {figures.spread(saga, 'shop'):>28} {'':>28}         >= 55/s"
            f" {verdict(orders_per_s >= 55)}\n"
            f"{'    handler runs/s vs plain trivial tasks/s':<{width}}"
            f" {figures.spread(handlers, 'shop'):>28} {figures.spread(handlers, 'baseline'):>28}"
            f"  {ratio:4.2f}x  >= 0.35x {verdict(ratio >= 0.35)}\n"
            f"{'    CPU per handler run / trivial task, ms':<{width}}"
            f" {figures.spread(handlers + ':cpu', 'shop'):>28}"
            f" {figures.spread(handlers + ':cpu', 'baseline'):>28}\n"
            f"{'    handler runs per order':<{width}}"
            f" {figures.spread(f'handlers_per_order:{broker}', 'shop'):>28}"
        )
    if figures.has("rss", "shop"):
        rss = figures.median("rss", "shop") / figures.median("rss", "baseline")
        print(
            f"{'gunicorn worker RSS, MB':<{width}} {figures.spread('rss', 'shop'):>28}"
            f" {figures.spread('rss', 'baseline'):>28}  {rss:4.2f}x  <= 1.3x"
            f" {verdict(rss <= 1.3)}"
        )
    for broker, k in kernel.items():
        over_floor = k["kernel_us"] / k["floor_us"]
        relay = k["relay_per_s"] / k["fastest_raw_per_s"]
        print(
            f"kernel on {broker}: (a) {k['ratio']:.2f}x the direct call, {over_floor:.2f}x its"
            f" statement floor (goal <= 1.05x: {verdict(over_floor <= 1.05)})\n"
            f"    (b) relay {k['relay_per_s']:,.0f} events/s = {relay:.2f}x the fastest raw"
            f" publish ({k['fastest_raw_per_s']:,.0f}/s; goal >= 0.8x: {verdict(relay >= 0.8)})\n"
            f"    (c) commit->handler p50 {k['p50_ms']:.1f} ms (goal <= 3: "
            f"{verdict(k['p50_ms'] <= 3)}), p99 {k['p99_ms']:.1f} ms (goal <= 10: "
            f"{verdict(k['p99_ms'] <= 10)})"
        )


def main() -> None:
    # Celery prefers this variable to the broker a process is given: left in the environment,
    # it would send the plain Celery row's tasks, and its worker, to another broker. Each side's
    # processes get theirs explicitly (shop_env, baseline_env).
    os.environ.pop("CELERY_BROKER_URL", None)
    with ExitStack() as stack:
        print(
            f"side-by-side bench {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}:"
            f" {ROUNDS} round(s), wrk -t2 -c16 -d{SECONDS}s, {SAGA_ORDERS} saga orders,"
            f" {TRIVIAL_TASKS} trivial tasks, brokers {', '.join(BROKERS)};"
            f" {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        key_file = write_signing_key(Path(stack.enter_context(tempfile.TemporaryDirectory())))
        shop_database = recreate_database(POSTGRES, f"shop_{NAME}_shop")
        baseline_database = recreate_database(POSTGRES, f"shop_{NAME}_baseline")
        events_database = recreate_database(POSTGRES, f"shop_{NAME}_events")
        shop_envs = {b: shop_env(shop_database, BROKER_URLS[b], key_file) for b in BROKERS}
        baseline_envs = {b: baseline_env(baseline_database, BROKER_URLS[b]) for b in BROKERS}
        primary = BROKERS[0]
        prepare_shop(shop_envs[primary])
        run_checked(
            [str(BIN / "python"), "-m", "baseline.manage", "migrate", "--noinput", "-v", "0"],
            cwd=BENCH,
            env=baseline_envs[primary],
        )
        figures = Figures()
        with ExitStack() as servers:
            shops = {
                broker: servers.enter_context(
                    running(Server(f"shop-{broker}", "config.wsgi", cwd=ROOT, env=env,
                                   probe="/health/"))
                )
                for broker, env in shop_envs.items()
            }  # fmt: skip
            baseline = servers.enter_context(
                running(
                    Server("baseline", "baseline.wsgi", cwd=BENCH, env=baseline_envs[primary],
                           probe="/constant/")
                )
            )  # fmt: skip
            customer = log_in(shops[primary])
            for number in range(1, ROUNDS + 1):
                load = os.getloadavg()[0]
                figures.add("load", "machine", load)
                print(f"round {number} of {ROUNDS} (load average {load:.1f})", flush=True)
                if "http" in ROWS:
                    http_rows(
                        figures, shops[primary], baseline, customer,
                        (shop_envs[primary], baseline_envs[primary]), BROKER_URLS[primary],
                        number,
                    )  # fmt: skip
                for broker in BROKERS if "saga" in ROWS else ():
                    saga_row(figures, broker, shops[broker], customer, shop_envs[broker])
                    trivial_tasks_row(figures, broker, baseline_envs[broker])
        kernel = {
            broker: kernel_bench(broker, events_database)
            for broker in (BROKERS if "kernel" in ROWS else ())
        }
        print_report(figures, kernel)


if __name__ == "__main__":
    main()
