"""The one way tests run a process of the shop (worker, beat, relay, gunicorn, nginx).

    env = child_env(DATABASE_URL=url)
    with running([sys.executable, "manage.py", "events", "relay"], env=env, name="relay",
                 ready=lambda process: "relay started" in process.log()) as relay:
        ...

`spawn` starts the command in a process group of its own (stopping it reaches its children:
Celery's pool, gunicorn's worker), its output in a temporary log file. `running` waits until
`ready` says so, failing with the log if the process exits first or never gets ready, and stops
it when the block ends: SIGTERM to the group, SIGKILL if it has not exited in time.
"""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

import httpx

from tests.support.waiting import StillWaiting, wait_until

ROOT = Path(__file__).resolve().parents[2]
STOP_TIMEOUT = 15.0


class StartError(RuntimeError):
    pass


def child_env(drop: Collection[str] = (), **overrides: str) -> dict[str, str]:
    """This process's environment without `drop`, for a child that serves the test database:
    test apps installed, and no connection kept open so the database can be flushed and
    dropped while the child still runs."""
    inherited = {name: value for name, value in os.environ.items() if name not in drop}
    return {
        **inherited,
        "DEBUG": "true",
        "SHOP_TEST_APPS": "true",
        "DATABASE_CONN_MAX_AGE": "0",
        **overrides,
    }


class Process:
    """A process started by `spawn`, with its log."""

    def __init__(self, process: subprocess.Popen[bytes], log_path: Path, name: str) -> None:
        self.process = process
        self.log_path = log_path
        self.name = name

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def wait_ready(self, ready: Callable[[Process], bool], *, timeout: float) -> None:
        def probe() -> bool:
            if self.process.poll() is not None:
                raise StartError(f"{self.name} exited:\n{self.log()}")
            return ready(self)

        try:
            wait_until(probe, timeout=timeout, what=f"{self.name} to be ready", interval=0.1)
        except StillWaiting as waiting:
            raise StartError(f"{waiting}:\n{self.log()}") from None

    def kill(self) -> None:
        """SIGKILL the whole process group at once."""
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """SIGTERM to the group (a warm shutdown), then SIGKILL if it does not exit in time."""
        if self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
        except ProcessLookupError:
            pass


def spawn(
    command: Sequence[str], *, env: Mapping[str, str], name: str, pass_fds: Sequence[int] = ()
) -> Process:
    """Start `command` with exactly `env` (build it with `child_env`), logging to a file."""
    log_path = Path(tempfile.mkstemp(prefix=f"{name.split('@')[0]}-", suffix=".log")[1])
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            list(command),
            cwd=ROOT,
            env=dict(env),
            pass_fds=tuple(pass_fds),
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stop() reaches its children too
        )
    return Process(process, log_path, name)


@contextmanager
def running(
    command: Sequence[str],
    *,
    env: Mapping[str, str],
    name: str,
    ready: Callable[[Process], bool],
    timeout: float,
    pass_fds: Sequence[int] = (),
) -> Iterator[Process]:
    """`spawn`, wait until `ready`, and stop the process (and drop its log) when the block ends."""
    process = spawn(command, env=env, name=name, pass_fds=pass_fds)
    try:
        process.wait_ready(ready, timeout=timeout)
        yield process
    finally:
        process.stop()
        process.log_path.unlink(missing_ok=True)


def logged(text: str) -> Callable[[Process], bool]:
    """A `ready` check: the process has written `text` to its log."""
    return lambda process: text in process.log()


def answers_health(base_url: str) -> Callable[[Process], bool]:
    """A `ready` check: `base_url/health/` answers 200."""

    def check(_: Process) -> bool:
        with suppress(httpx.TransportError):
            return httpx.get(f"{base_url}/health/", timeout=5).status_code == 200
        return False

    return check
