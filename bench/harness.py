"""Processes and probes for bench/sidebyside.py: databases, gunicorn, Celery workers, wrk, brokers.

Nothing here imports Django: the harness drives the shop and the baseline as separate processes,
the way they run in production, and reads their state from PostgreSQL and the brokers.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
BIN = Path(sys.executable).parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


# --- PostgreSQL ----------------------------------------------------------------------------------


def recreate_database(server_url: str, name: str) -> str:
    """Drop and create `name` on the server; return its URL. Each run starts from empty tables."""
    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return f"{server_url}/{name}"


def query_value(database_url: str, sql: str, params: Any = None) -> Any:
    with psycopg.connect(database_url, autocommit=True) as connection:
        row = connection.execute(sql, params).fetchone()
    return row[0] if row else None


# --- Brokers -------------------------------------------------------------------------------------


def purge_queues(broker_url: str, queues: list[str]) -> None:
    """Empty the named queues (those that exist) so a row starts without another row's backlog."""
    from kombu import Connection

    with Connection(broker_url) as broker:
        for queue in queues:
            channel = broker.channel()
            # A queue nobody declared yet has nothing to purge (RabbitMQ answers 404).
            with suppress(Exception):
                channel.queue_purge(queue)
            with suppress(Exception):
                channel.close()


@contextmanager
def queue_length(broker_url: str, queue: str) -> Iterator[Callable[[], int]]:
    """A function that tells how many messages wait in `queue`, over one connection kept open
    (polling must not load the machine it measures)."""
    from amqp.exceptions import ChannelError
    from kombu import Connection

    with Connection(broker_url) as broker:
        channel = broker.channel()

        def length() -> int:
            try:
                return int(channel.queue_declare(queue, passive=True).message_count)
            except ChannelError:  # Redis deletes an empty queue's list: nothing left
                return 0

        yield length


# --- Processes -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def child_pids(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time the processes used so far."""
    total = 0
    for pid in pids:
        with suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / CLOCK_TICKS


def rss_megabytes(pid: int) -> float:
    resident_pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    return resident_pages * PAGE_SIZE / 1e6


class Process:
    """A started command in its own process group, with its output in a log file."""

    def __init__(self, name: str, command: list[str], *, cwd: Path, env: Mapping[str, str]):
        self.name = name
        self.log_path = Path(tempfile.mkstemp(prefix=f"bench-{name}-", suffix=".log")[1])
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                command,
                cwd=cwd,
                env={**os.environ, **env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for_log(self, text: str, timeout: float = 60) -> float:
        """Return the moment (perf_counter) `text` showed up in the log."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.log():
                return time.perf_counter()
            self.fail_if_exited()
            time.sleep(0.02)
        raise RuntimeError(f"{self.name} never logged {text!r}:\n{self.log()[-3000:]}")

    def fail_if_exited(self) -> None:
        if self.process.poll() is not None:
            raise RuntimeError(f"{self.name} exited:\n{self.log()[-3000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            with suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with suppress(ProcessLookupError):
                    os.killpg(self.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.log_path.unlink(missing_ok=True)


@contextmanager
def running(process: Process) -> Iterator[Process]:
    try:
        yield process
    finally:
        process.stop()


# The flags both sides are served with (issue 8): two processes of four threads each.
GUNICORN_FLAGS = ["-w", "2", "-k", "gthread", "--threads", "4", "--log-level", "warning"]


class Server(Process):
    """gunicorn serving a WSGI module on a free port of 127.0.0.1."""

    def __init__(self, name: str, module: str, *, cwd: Path, env: Mapping[str, str], probe: str):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        command = [str(BIN / "gunicorn"), *GUNICORN_FLAGS, "-b", f"127.0.0.1:{self.port}", module]
        super().__init__(name, command, cwd=cwd, env=env)
        try:
            self.wait_until_serving(probe)
        except BaseException:
            self.stop()
            raise

    def wait_until_serving(self, probe: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.fail_if_exited()
            with suppress(OSError), urllib.request.urlopen(self.base + probe, timeout=5):
                if len(self.workers()) == 2:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} does not answer {probe}:\n{self.log()[-3000:]}")

    def workers(self) -> list[int]:
        return child_pids(self.pid)

    def worker_rss(self) -> float:
        """Mean resident memory of the two worker processes, in MB."""
        return statistics.mean(rss_megabytes(pid) for pid in self.workers())


def celery_worker(
    name: str, app: str, queues: list[str], *, cwd: Path, env: Mapping[str, str]
) -> Process:
    """`celery worker`, prefork with two processes, prefetching one message each."""
    command = [
        str(BIN / "celery"), "-A", app, "worker", "-Q", ",".join(queues),
        "-P", "prefork", "-c", "2", "--prefetch-multiplier", "1", "-n", f"{name}@%h",
        "--loglevel", "INFO", "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    return Process(name, command, cwd=cwd, env=env)


# --- HTTP ----------------------------------------------------------------------------------------


def http_json(
    method: str, url: str, *, body: Any = None, headers: Mapping[str, str] | None = None
) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    for key, value in (headers or {}).items():
        request.add_header(key, value)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        raise RuntimeError(f"{method} {url} -> {error.code}: {error.read()[:500]!r}") from error


# --- wrk -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadResult:
    requests_per_s: float
    p50_ms: float
    requests: int
    failed: int  # non-2xx/3xx answers and socket errors
    cpu_ms_per_request: float  # CPU the server's worker processes spent per request


UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def wrk(
    server: Server,
    path: str,
    *,
    seconds: int,
    headers: Mapping[str, str] | None = None,
    post_body: str | None = None,
    key_prefix: str = "",
) -> LoadResult:
    """`wrk -t2 -c16 -d<seconds>s`; a POST goes through bench/wrk/post.lua (fresh keys)."""
    # A slow answer is a slow answer, not a failure: wrk's default timeout (2 s) would count
    # the shop's slowest placements on a loaded machine as socket errors.
    command = ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", "--timeout", "30s"]
    for key, value in (headers or {}).items():
        command += ["-H", f"{key}: {value}"]
    env = dict(os.environ)
    if post_body is not None:
        command += ["-s", str(BENCH / "wrk" / "post.lua")]
        env.update(BENCH_BODY=post_body, BENCH_KEY_PREFIX=key_prefix)
    command.append(server.base + path)
    workers = server.workers()
    cpu_before = cpu_seconds(workers)
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    cpu = cpu_seconds(workers) - cpu_before
    requests = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s|m)\b", output)
    failed = sum(
        int(number)
        for number in re.findall(r"Non-2xx or 3xx responses: (\d+)", output)
        + re.findall(r"(?:connect|read|write|timeout) (\d+)", output)
    )
    return LoadResult(
        requests_per_s=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),  # type: ignore[union-attr]
        p50_ms=float(p50.group(1)) * UNITS_MS[p50.group(2)] if p50 else float("nan"),
        requests=requests,
        failed=failed,
        cpu_ms_per_request=cpu * 1000 / max(requests, 1),
    )
