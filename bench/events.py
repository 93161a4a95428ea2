"""Event kernel benchmark: prints figures and ratios (not a test; nothing here is asserted).

    make bench-events                       # or: python bench/events.py
    BENCH_DATABASE_URL=postgres://… BENCH_BROKER_URL=redis://… python bench/events.py

Runs on PostgreSQL and Redis (defaults: postgres://postgres@127.0.0.1:5432/shop_bench, created
if missing and migrated, and redis://127.0.0.1:6379/14), with the kernel tests' throw-away
contexts: sample publishes ThingNoted, listener.on_thing_noted inserts one row.

(a) publish + in-process delivery vs calling the handler directly in the same transaction;
    both do the same business write (insert a Thing). Target: ratio <= 2.0. Its floor line runs
    as many statements as the kernel does, plain INSERTs in two transactions: the floor that the
    outbox row, the inbox row and the subscriber's own transaction put under the ratio.
(b) relay throughput draining 10,000 pending events to the broker vs raw kombu publishing of
    the same envelopes over one connection. Target: ratio >= 0.5.
(c) commit-to-handler latency with the celery transport and a real worker (prefork, -c 1).
    Targets: p50 <= 20 ms, p99 <= 100 ms.
Figures and their interpretation are recorded in docs/performance.md.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# DEBUG off: with it on, Django records every query in memory, which skews the figures.
os.environ["DEBUG"] = "false"
os.environ.setdefault("SECRET_KEY", "benchmark-only-key-not-secret")
os.environ["SHOP_TEST_APPS"] = "true"
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/shop_bench"
)
os.environ["CELERY_BROKER_URL"] = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/14")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "ERROR")

SAMPLES = int(os.environ.get("BENCH_SAMPLES", "2000"))
RELAY_EVENTS = int(os.environ.get("BENCH_RELAY_EVENTS", "10000"))
LATENCY_SAMPLES = int(os.environ.get("BENCH_LATENCY_SAMPLES", "300"))
QUEUE = "ctx.listener"


from bench_databases import ensure_database  # noqa: E402

ensure_database(os.environ["DATABASE_URL"])

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from modulith import publish  # noqa: E402
from modulith.events.dispatch import relay_outbox  # noqa: E402
from modulith.models import InboxMessage, OutboxMessage  # noqa: E402
from modulith.testing import make_envelope  # noqa: E402
from tests.modulith.contexts.listener.handlers import on_thing_noted  # noqa: E402
from tests.modulith.contexts.listener.models import Effect  # noqa: E402
from tests.modulith.contexts.sample.events import ThingNoted  # noqa: E402
from tests.modulith.contexts.sample.models import Thing  # noqa: E402
from tests.support.workers import start_worker, use_broker, worker_env  # noqa: E402


def reset_tables() -> None:
    for model in (OutboxMessage, InboxMessage, Effect, Thing):
        model.objects.all().delete()


def celery_listener() -> override_settings:
    modulith = {**django.conf.settings.MODULITH}
    modulith["CONTEXT_TRANSPORTS"] = {**modulith["CONTEXT_TRANSPORTS"], "listener": "celery"}
    return override_settings(MODULITH=modulith)


def per_event_microseconds(run, count: int) -> float:
    start = time.perf_counter()
    for _ in range(count):
        run()
    return (time.perf_counter() - start) / count * 1e6


# --- (a) ---------------------------------------------------------------------------------------


def direct_call() -> None:
    thing_id = uuid.uuid4()
    with transaction.atomic():
        Thing.objects.create(id=thing_id, note="noted")
        on_thing_noted(ThingNoted(thing_id=thing_id, note="noted"))


def publish_and_deliver() -> None:
    thing_id = uuid.uuid4()
    with transaction.atomic():
        Thing.objects.create(id=thing_id, note="noted")
        publish(ThingNoted(thing_id=thing_id, note="noted"))
    # Delivery ran in the on_commit callback, before atomic() returned.


def two_plain_transactions() -> None:
    """The kernel's shape without the kernel, for reference: the business write and one INSERT
    where the outbox row goes, commit; then one INSERT where the inbox row goes and the
    handler, commit. Eight statements and two durable commits, like publish + in-process."""
    thing_id = uuid.uuid4()
    with transaction.atomic():
        Thing.objects.create(id=thing_id, note="noted")
        Effect.objects.create(handler="stand-in", thing_id=thing_id, pid=0)
    with transaction.atomic():
        Effect.objects.create(handler="stand-in", thing_id=thing_id, pid=0)
        on_thing_noted(ThingNoted(thing_id=thing_id, note="noted"))


def statements_per_event(run) -> int:
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        run()
    return len(captured.captured_queries)


def bench_publish_overhead() -> dict[str, float]:
    reset_tables()
    sides = {"direct": direct_call, "kernel": publish_and_deliver, "floor": two_plain_transactions}
    for run in sides.values():
        per_event_microseconds(run, 200)  # warm-up: connections, caches
    # Interleaved short rounds, so every side sees the same machine load; medians of rounds.
    rounds = 20
    measured: dict[str, list[float]] = {name: [] for name in sides}
    for _ in range(rounds):
        for name, run in sides.items():
            measured[name].append(per_event_microseconds(run, max(1, SAMPLES // rounds)))
    direct, kernel, floor = (statistics.median(measured[name]) for name in sides)
    assert Effect.objects.filter(handler="on_thing_noted").count() == Thing.objects.count()
    assert not OutboxMessage.objects.filter(dispatched_at__isnull=True).exists()
    return {
        "direct_us": direct,
        "kernel_us": kernel,
        "floor_us": floor,
        "ratio": kernel / direct,
        "floor_ratio": floor / direct,
        "direct_statements": statements_per_event(direct_call),
        "kernel_statements": statements_per_event(publish_and_deliver),
        "floor_statements": statements_per_event(two_plain_transactions),
    }


# --- (b) ---------------------------------------------------------------------------------------


def pending_rows(count: int) -> list[dict]:
    now = timezone.now()
    envelopes = [
        make_envelope(ThingNoted(thing_id=uuid.uuid4(), note="relayed")) for _ in range(count)
    ]
    OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(
                id=envelope["id"],
                event_type=envelope["type"],
                source_context="sample",
                envelope=envelope,
                available_at=now,
            )
            for envelope in envelopes
        ],
        batch_size=1000,
    )
    return envelopes


def purge_queue(broker_url: str) -> None:
    from kombu import Connection, Exchange, Queue

    with Connection(broker_url) as broker:
        queue = Queue(QUEUE, Exchange(QUEUE), routing_key=QUEUE)(broker.default_channel)
        queue.declare()
        queue.purge()


def queue_length(broker_url: str) -> int:
    from kombu import Connection

    with Connection(broker_url) as broker:
        return broker.default_channel.queue_declare(QUEUE, passive=True).message_count


def bench_relay_throughput(broker_url: str) -> dict[str, float]:
    reset_tables()
    envelopes = pending_rows(RELAY_EVENTS)
    purge_queue(broker_url)
    with celery_listener(), use_broker(broker_url):
        start, cpu_start = time.perf_counter(), time.process_time()
        while relay_outbox("default") > 0:
            pass
        relay_seconds = time.perf_counter() - start
        relay_cpu = time.process_time() - cpu_start
    relayed = queue_length(broker_url)

    raw_seconds, raw = raw_publish(broker_url, envelopes, through_exchange=True)
    cpu_start = time.process_time()
    fastest_seconds, fastest = raw_publish(broker_url, envelopes, through_exchange=False)
    fastest_cpu = time.process_time() - cpu_start
    return {
        # CPU of this process per event: what the machine's load moves least.
        "relay_cpu_us": relay_cpu / RELAY_EVENTS * 1e6,
        "fastest_raw_cpu_us": fastest_cpu / RELAY_EVENTS * 1e6,
        "relay_per_s": RELAY_EVENTS / relay_seconds,
        "raw_per_s": RELAY_EVENTS / raw_seconds,
        "ratio": raw_seconds / relay_seconds,
        "fastest_raw_per_s": RELAY_EVENTS / fastest_seconds,
        "fastest_ratio": fastest_seconds / relay_seconds,
        "relayed_messages": relayed,
        "raw_messages": raw,
        "fastest_raw_messages": fastest,
    }


def raw_publish(broker_url: str, envelopes: list[dict], *, through_exchange: bool) -> tuple:
    """Publish the envelopes with kombu over one connection: (seconds, messages queued).

    Through the queue's named direct exchange (declared with each publish, as a relay that
    declares nothing up front must), or, the fastest way, to the default exchange with the
    queue declared once: routing by queue name, no binding lookup.
    """
    from kombu import Connection, Exchange, Queue

    purge_queue(broker_url)
    queue = Queue(QUEUE, Exchange(QUEUE), routing_key=QUEUE)
    start = time.perf_counter()
    with Connection(broker_url) as broker:
        producer = broker.Producer(serializer="json")
        if through_exchange:
            target: dict = {"exchange": queue.exchange, "declare": [queue]}
        else:
            queue(broker.default_channel).declare()
            target = {"exchange": ""}
        for envelope in envelopes:
            producer.publish(envelope, routing_key=QUEUE, retry=False, delivery_mode=2, **target)
    seconds = time.perf_counter() - start
    messages = queue_length(broker_url)
    purge_queue(broker_url)
    return seconds, messages


# --- (c) ---------------------------------------------------------------------------------------


def bench_latency(broker_url: str) -> dict[str, float]:
    reset_tables()
    purge_queue(broker_url)
    # Persistent connections, as in production (the test kit's workers open one per task).
    env = worker_env(
        broker_url=broker_url,
        transports={"listener": "celery"},
        extra={"DATABASE_CONN_MAX_AGE": "60"},
    )
    env["LOG_LEVEL"] = "WARNING"
    # As in production, not as in the tests (whose worker must let go of a test database that
    # is dropped): DEBUG off, and the database connection kept from one task to the next.
    env["DEBUG"] = "false"
    env["DATABASE_CONN_MAX_AGE"] = "60"
    committed_at: dict[uuid.UUID, float] = {}
    with start_worker(queues=[QUEUE], env=env), celery_listener(), use_broker(broker_url):
        for index in range(LATENCY_SAMPLES + 20):
            thing_id = uuid.uuid4()
            with transaction.atomic():
                Thing.objects.create(id=thing_id, note="latency")
                # Runs first among the on_commit callbacks: the moment the commit returned.
                transaction.on_commit(
                    lambda thing_id=thing_id: committed_at.__setitem__(thing_id, time.time())
                )
                publish(ThingNoted(thing_id=thing_id, note="latency"))
            if index < 20:  # warm-up: the first tasks pay for imports and connections
                committed_at.pop(thing_id)
            time.sleep(0.01)  # one event at a time: latency, not queueing under load
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            handled = dict(
                Effect.objects.filter(thing_id__in=list(committed_at)).values_list(
                    "thing_id", "created_at"
                )
            )
            if len(handled) == len(committed_at):
                break
            time.sleep(0.2)
    latencies = sorted(
        (handled[thing_id].timestamp() - committed) * 1000
        for thing_id, committed in committed_at.items()
    )
    return {
        "p50_ms": statistics.median(latencies),
        "p99_ms": latencies[max(0, int(len(latencies) * 0.99) - 1)],
        "max_ms": latencies[-1],
        "samples": len(latencies),
    }


def main() -> None:
    call_command("migrate", verbosity=0)
    broker_url = os.environ["CELERY_BROKER_URL"]
    database = connection.settings_dict["NAME"]
    print(f"database {database} on {connection.vendor}, broker {broker_url}")

    a = bench_publish_overhead()
    print(
        f"(a) direct handler call      {a['direct_us']:8.0f} us/event"
        f"  ({a['direct_statements']} SQL statements, 1 durable commit)\n"
        f"    publish + inprocess      {a['kernel_us']:8.0f} us/event"
        f"  ({a['kernel_statements']} SQL statements, 2 durable commits)\n"
        f"    ratio                    {a['ratio']:8.2f}x   (target <= 2.0)\n"
        f"    floor: plain statements  {a['floor_us']:8.0f} us/event"
        f"  ({a['floor_statements']} SQL statements, 2 durable commits, no kernel)\n"
        f"    floor ratio              {a['floor_ratio']:8.2f}x"
    )

    # The same comparison with commits that cost no disk flush (synchronous_commit off on this
    # session, for both sides): what the kernel costs besides the extra durable commit.
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    fast = bench_publish_overhead()
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO ON")
    print(
        f"(a') without flush cost:     direct {fast['direct_us']:.0f} us, "
        f"kernel {fast['kernel_us']:.0f} us, ratio {fast['ratio']:.2f}x "
        f"(floor {fast['floor_ratio']:.2f}x)"
    )

    b = bench_relay_throughput(broker_url)
    print(
        f"(b) relay to broker          {b['relay_per_s']:8.0f} events/s"
        f"  ({b['relayed_messages']} messages)\n"
        f"    raw kombu publish        {b['raw_per_s']:8.0f} events/s"
        f"  ({b['raw_messages']} messages)\n"
        f"    ratio                    {b['ratio']:8.2f}x   (target >= 0.5)\n"
        f"    fastest raw publish      {b['fastest_raw_per_s']:8.0f} events/s"
        f"  ({b['fastest_raw_messages']} messages: default exchange, one connection)\n"
        f"    ratio to the fastest     {b['fastest_ratio']:8.2f}x   (issue 8 goal >= 0.8)\n"
        f"    CPU per event            {b['relay_cpu_us']:8.0f} us relayed,"
        f" {b['fastest_raw_cpu_us']:.0f} us in the fastest raw publish"
    )

    c = bench_latency(broker_url)
    print(
        f"(c) commit-to-handler p50    {c['p50_ms']:8.1f} ms   (target <= 20)\n"
        f"    commit-to-handler p99    {c['p99_ms']:8.1f} ms   (target <= 100)\n"
        f"    max                      {c['max_ms']:8.1f} ms   over {c['samples']} events"
    )
    reset_tables()
    if os.environ.get("BENCH_JSON_OUT"):  # bench/sidebyside.py reads the figures from here
        figures = {**a, "relay_per_s": b["relay_per_s"], "raw_per_s": b["raw_per_s"]}
        figures.update(fastest_raw_per_s=b["fastest_raw_per_s"], p50_ms=c["p50_ms"])
        figures.update(p99_ms=c["p99_ms"])
        Path(os.environ["BENCH_JSON_OUT"]).write_text(json.dumps(figures))


if __name__ == "__main__":
    main()
