"""App CPU per request of the HTTP rows of `make bench`, measured so that load moves it little.

    python bench/httpcpu.py                      # the shop and the baseline, side by side
    BENCH_PROFILE=post python bench/httpcpu.py   # and cProfile the shop's row (post, catalog,
                                                 # order), printing the costliest functions

Throughput on a shared machine says little; the CPU a request costs the process serving it is
steadier. Each side runs in a process of its own with the settings the side-by-side harness
serves it with (DEBUG off, JSON logs at INFO, the cache in Redis, every context's events on
Celery), and calls its WSGI application directly, one request at a time, as a gunicorn worker
would: the process's CPU time (`time.process_time`, every thread of it, so the shop's background
threads count too) divided by the requests. Each row is warmed up, then timed in BENCH_CPU_ROUNDS
rounds of BENCH_CPU_REQUESTS requests; the median round is printed. Then both sides are served by
gunicorn with the harness's flags and the RSS of their workers is read after the same requests.

Environment: BENCH_POSTGRES, BENCH_NAME, BENCH_REDIS_URL as for bench/sidebyside.py (this script
drops and creates shop_<name>_cpushop and shop_<name>_cpubase); BENCH_CPU_REQUESTS [200],
BENCH_CPU_ROUNDS [5], BENCH_CPU_WARM_UP [50; 10 with BENCH_INSTRUCTIONS], BENCH_ROW [every row],
BENCH_INSTRUCTIONS [off]: instructions per request from callgrind instead of CPU time (each row
of each side in a process of its own, twice, with BENCH_CPU_REQUESTS and three times as many
requests; slow), BENCH_PROFILE [none], BENCH_PROFILE_OUT (a file for the profile's
stats, to read with pstats); BENCH_SPY [none]: a row to serve alone under py-spy, whose
collapsed stacks go to BENCH_SPY_OUT [/tmp/httpcpu-<row>.txt]; BENCH_RSS_ONLY [off]: only the
gunicorn workers' RSS, without the CPU rounds (a minute instead of several).
"""

from __future__ import annotations

import io
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

REQUESTS = int(os.environ.get("BENCH_CPU_REQUESTS", "200"))
ROUNDS = int(os.environ.get("BENCH_CPU_ROUNDS", "5"))
# Instructions instead of CPU time: each row is served by its own process under callgrind,
# twice (BENCH_CPU_REQUESTS and three times as many requests), and the difference divided.
INSTRUCTIONS = os.environ.get("BENCH_INSTRUCTIONS", "") not in ("", "0", "false")
WARM_UP = int(os.environ.get("BENCH_CPU_WARM_UP", "10" if INSTRUCTIONS else "50"))
PROFILE = os.environ.get("BENCH_PROFILE", "")
SPY = os.environ.get("BENCH_SPY", "")
ONLY_ROW = os.environ.get("BENCH_ROW", "")
RSS_ONLY = os.environ.get("BENCH_RSS_ONLY", "") not in ("", "0", "false")
ROWS = ("post", "catalog", "order")


# --- In the side's own process -------------------------------------------------------------------


class Client:
    """Calls a WSGI application the way gunicorn does, without the socket."""

    def __init__(self, application: Callable[..., Any]) -> None:
        self.application = application

    def call(
        self, method: str, path: str, *, body: Any = None, headers: Mapping[str, str] = {}
    ) -> tuple[int, bytes]:
        data = (
            b""
            if body is None
            else (body if isinstance(body, bytes) else json.dumps(body).encode())
        )
        path, _, query = path.partition("?")
        environ = {
            "REQUEST_METHOD": method,
            "SCRIPT_NAME": "",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "127.0.0.1",
            "HTTP_ACCEPT": "*/*",
            "CONTENT_LENGTH": str(len(data)),
            "CONTENT_TYPE": "application/json" if data else "",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(data),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        for name, value in headers.items():
            environ["HTTP_" + name.upper().replace("-", "_")] = value
        status: list[str] = []
        result = self.application(environ, lambda line, _headers, _exc=None: status.append(line))
        try:
            content = b"".join(result)
        finally:
            result.close()  # request_finished: Django's connection housekeeping, as in gunicorn
        return int(status[0].split()[0]), content


def expect(answer: tuple[int, bytes], *statuses: int) -> Any:
    status, content = answer
    if status not in statuses:
        raise RuntimeError(f"answered {status}: {content[:500]!r}")
    return json.loads(content)


def shop_requests(client: Client) -> dict[str, Callable[[], tuple[int, bytes]]]:
    """One request per row, as the harness's wrk sends them."""
    import sidebyside

    token = expect(
        client.call("POST", "/api/identity/token/", body=sidebyside.CUSTOMER),
        200,
    )["access"]
    auth = {"Authorization": f"Bearer {token}"}
    methods = expect(client.call("GET", "/api/payments/methods/", headers=auth), 200)
    order_body = json.dumps(sidebyside.order_body(methods["results"][0]["id"])).encode()

    def post() -> tuple[int, bytes]:
        headers = {**auth, "Idempotency-Key": str(uuid.uuid4())}
        return client.call("POST", "/api/orders/", body=order_body, headers=headers)

    order_id = expect(post(), 201)["id"]
    return {
        "post": post,
        "catalog": lambda: client.call("GET", "/api/catalog/products/"),
        "order": lambda: client.call("GET", f"/api/orders/{order_id}/", headers=auth),
    }


def baseline_requests(client: Client) -> dict[str, Callable[[], tuple[int, bytes]]]:
    note = json.dumps({"text": "one row"}).encode()
    constant = lambda: client.call("GET", "/constant/")  # noqa: E731
    return {
        "post": lambda: client.call("POST", "/notes/", body=note),
        "catalog": constant,
        "order": constant,
    }


def cpu_per_request(send: Callable[[], tuple[int, bytes]]) -> list[float]:
    """Milliseconds of process CPU per request, one figure per round."""
    for _ in range(WARM_UP):
        expect(send(), 200, 201)
    rounds = []
    for _ in range(ROUNDS):
        start = time.process_time()
        for _ in range(REQUESTS):
            send()
        rounds.append((time.process_time() - start) * 1000 / REQUESTS)
    return rounds


def profile(send: Callable[[], tuple[int, bytes]]) -> None:
    import cProfile
    import pstats

    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(REQUESTS):
        send()
    profiler.disable()
    if os.environ.get("BENCH_PROFILE_OUT"):
        profiler.dump_stats(os.environ["BENCH_PROFILE_OUT"])
    stats = pstats.Stats(profiler, stream=sys.stderr)
    stats.sort_stats("cumulative").print_stats(60)
    stats.sort_stats("tottime").print_stats(40)


def side_main(side: str) -> None:
    sys.path.insert(0, os.getcwd())  # the side's project: the shop's root, or bench/ (baseline)
    import django
    from django.core.wsgi import get_wsgi_application

    django.setup()
    client = Client(get_wsgi_application())
    requests = (shop_requests if side == "shop" else baseline_requests)(client)
    rows = (SPY,) if side == "shop" and SPY else (ONLY_ROW,) if ONLY_ROW else ROWS
    figures = {row: cpu_per_request(requests[row]) for row in rows}
    if side == "shop" and PROFILE:
        profile(requests[PROFILE])
    print(json.dumps(figures))


# --- The driver ----------------------------------------------------------------------------------


def run_side(side: str, env: Mapping[str, str], cwd: Path) -> dict[str, list[float]]:
    command = [sys.executable, str(Path(__file__).resolve()), side]
    if side == "shop" and SPY:
        # py-spy (pip install py-spy) samples the shop's process while it serves that row only.
        output = os.environ.get("BENCH_SPY_OUT", f"/tmp/httpcpu-{SPY}.txt")
        spy = [str(Path(sys.executable).parent / "py-spy"), "record", "--format", "raw"]
        command = [*spy, "-r", "250", "-o", output, "--", *command]
    result = subprocess.run(
        command,
        cwd=cwd,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    # The last JSON line: py-spy prints its own summary after the child's.
    return json.loads([line for line in result.stdout.splitlines() if line.startswith("{")][-1])


def instructions_per_request(side: str, env: Mapping[str, str], cwd: Path) -> dict[str, float]:
    """Instructions one request of each row executes (callgrind), the process's start-up and
    warm-up cancelled out by the difference of two runs."""
    figures = {}
    for row in (ONLY_ROW,) if ONLY_ROW else ROWS:
        counts = []
        for requests in (REQUESTS, 3 * REQUESTS):
            command = [
                "valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                sys.executable, str(Path(__file__).resolve()), side,
            ]  # fmt: skip
            result = subprocess.run(
                command,
                cwd=cwd,
                env={
                    **os.environ,
                    **env,
                    "BENCH_ROW": row,
                    "BENCH_CPU_ROUNDS": "1",
                    "BENCH_CPU_REQUESTS": str(requests),
                },
                capture_output=True,
                text=True,
            )
            if result.returncode != 0:
                raise RuntimeError(f"{side} {row} under callgrind failed:\n{result.stderr[-3000:]}")
            counts.append(int(re.findall(r"Collected : (\d+)", result.stderr)[-1]))
        figures[row] = (counts[1] - counts[0]) / (2 * REQUESTS)
    return figures


def worker_rss(shop_env: dict[str, str], baseline_env: dict[str, str]) -> dict[str, float]:
    """The harness's figure: mean RSS of the two gunicorn workers after serving every row."""
    from harness import BENCH, ROOT, Server, http_json, running
    from sidebyside import log_in

    rss = {}
    with running(Server("shop", "config.wsgi", cwd=ROOT, env=shop_env, probe="/health/")) as shop:
        customer = log_in(shop)
        for _ in range(20):
            http_json("GET", f"{shop.base}/api/catalog/products/")
            http_json(
                "GET", f"{shop.base}/api/orders/{customer.order_id}/", headers=customer.headers
            )
        rss["shop"] = shop.worker_rss()
    with running(
        Server("baseline", "baseline.wsgi", cwd=BENCH, env=baseline_env, probe="/constant/")
    ) as baseline:
        for _ in range(20):
            http_json("POST", f"{baseline.base}/notes/", body={"text": "one row"})
            http_json("GET", f"{baseline.base}/constant/")
        rss["baseline"] = baseline.worker_rss()
    return rss


def main() -> None:
    from harness import BENCH, ROOT, recreate_database
    from sidebyside import (
        BROKER_URLS,
        NAME,
        POSTGRES,
        baseline_env,
        prepare_shop,
        run_checked,
        shop_env,
        write_signing_key,
    )

    with tempfile.TemporaryDirectory() as directory:
        key_file = write_signing_key(Path(directory))
        shop = shop_env(
            recreate_database(POSTGRES, f"shop_{NAME}_cpushop"), BROKER_URLS["redis"], key_file
        )
        baseline = baseline_env(
            recreate_database(POSTGRES, f"shop_{NAME}_cpubase"), BROKER_URLS["redis"]
        )
        prepare_shop(shop)
        run_checked(
            [sys.executable, "-m", "baseline.manage", "migrate", "--noinput", "-v", "0"],
            cwd=BENCH,
            env=baseline,
        )
        if RSS_ONLY:
            print_worker_rss(worker_rss(shop, baseline))
            return
        print(
            f"app CPU per request, {ROUNDS} rounds of {REQUESTS} requests after {WARM_UP} to warm"
            f" up; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs",
            flush=True,
        )
        sides = {
            "shop": ({**shop, "DJANGO_SETTINGS_MODULE": "config.settings"}, ROOT),
            "baseline": ({**baseline, "DJANGO_SETTINGS_MODULE": "baseline.settings"}, BENCH),
        }
        if INSTRUCTIONS:
            counted = {side: instructions_per_request(side, *sides[side]) for side in sides}
            print(f"\n{'row':<44} {'shop':>20} {'baseline':>20}  ratio  (instructions)")
            for row in counted["shop"]:
                shop_count, base_count = counted["shop"][row], counted["baseline"][row]
                print(
                    f"{row:<44} {shop_count:>20,.0f} {base_count:>20,.0f}"
                    f"  {shop_count / base_count:4.1f}x"
                )
            return
        figures = {side: run_side(side, *sides[side]) for side in sides}
        labels = {
            "post": "POST /api/orders/ vs one-INSERT POST",
            "catalog": "GET /api/catalog/products/ vs constant GET",
            "order": "GET /api/orders/<id>/ vs constant GET",
        }
        print(f"\n{'row':<44} {'shop ms (min-max)':>20} {'baseline ms':>20}  ratio")
        for row in figures["shop"]:
            shop_ms, base_ms = (statistics.median(figures[side][row]) for side in figures)
            spread = {
                side: f"{statistics.median(values[row]):.2f} ({min(values[row]):.2f}-"
                f"{max(values[row]):.2f})"
                for side, values in figures.items()
            }
            print(
                f"{labels[row]:<44} {spread['shop']:>20} {spread['baseline']:>20}"
                f"  {shop_ms / base_ms:4.1f}x the CPU"
            )
        print_worker_rss(worker_rss(shop, baseline))


def print_worker_rss(rss: dict[str, float]) -> None:
    print(
        f"{'gunicorn worker RSS, MB':<44} {rss['shop']:>20.1f} {rss['baseline']:>20.1f}"
        f"  {rss['shop'] / rss['baseline']:4.2f}x"
    )


if __name__ == "__main__":
    if len(sys.argv) > 1:
        side_main(sys.argv[1])
    else:
        main()
