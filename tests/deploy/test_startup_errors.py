"""gunicorn and Celery started with a wrong topology stop with the one line manage.py prints
(config.startup), not a traceback through the server's internals. Real processes, no database."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.support.processes import ROOT

WRONG = "No topology 'paymnets': SHOP_TOPOLOGY must name a file"
# gunicorn's own log lines ("[INFO] Booting worker …") start with a timestamp in brackets.
SERVERS = {
    "gunicorn": [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", "127.0.0.1:0"],
    "celery": [sys.executable, "-m", "celery", "-A", "config", "worker"],
    "celery beat": [sys.executable, "-m", "celery", "-A", "config", "beat"],
}


@pytest.mark.parametrize("server", SERVERS)
def test_a_server_with_a_wrong_topology_stops_with_one_line(server: str) -> None:
    env = {"PATH": "/usr/bin:/bin", "DEBUG": "true", "HOME": str(ROOT / "var")}
    run = subprocess.run(
        SERVERS[server], cwd=ROOT, env={**env, "SHOP_TOPOLOGY": "paymnets"},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip

    ours = [line for line in run.stderr.splitlines() if not line.startswith("[")]
    assert run.returncode != 0
    assert "Traceback" not in run.stderr, run.stderr[-2000:]
    assert len(ours) == 1 and ours[0].startswith(f"{server.split()[0]}: "), run.stderr[-2000:]
    assert WRONG in ours[0]
