"""A web process loads only what serving requests needs: what only the schema generator or a
worker uses is imported when first used (docs/performance.md, RSS).

Each of these modules once came into every gunicorn worker at start-up by an import that nothing
serving a request needed; the test names them so that such an import does not come back.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# module -> what uses it, and so when it may be imported.
NOT_IN_A_WEB_PROCESS = {
    "pybreaker": "the payment provider's breaker: at the first provider call",
    "tornado": "imported by pybreaker",
    "drf_spectacular.openapi": "the schema generator: when a schema is generated",
    "drf_spectacular.plumbing": "the schema generator's helpers",
    "drf_spectacular.generators": "the schema generator",
    "drf_spectacular.views": "the schema's views: at their first request",
    "rest_framework.test": "DRF's test client, which drf-spectacular's plumbing imports",
    "modulith.http.openapi": "the shop's generator, hooks and extensions",
}

# A gunicorn worker's start: the WSGI module (settings, django.setup()), then the URLconf, which
# Django loads at the first request.
WEB_PROCESS = """
import json, sys
import config.wsgi
from django.urls import get_resolver
get_resolver().url_patterns
print(json.dumps(sorted(sys.modules)))
"""


def test_a_web_process_after_start_up_has_not_imported_what_only_other_processes_use() -> None:
    environment = {
        **{name: value for name, value in os.environ.items() if name != "DJANGO_SETTINGS_MODULE"},
        "DEBUG": "false",
        "SECRET_KEY": "test-only-secret-key-" + "0123456789" * 5,
        "SHOP_TEST_APPS": "false",
    }

    result = subprocess.run(
        [sys.executable, "-c", WEB_PROCESS],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr[-3000:]
    loaded = set(json.loads(result.stdout.splitlines()[-1]))
    assert "contexts.orders.rest.views" in loaded, "the URLconf was not loaded"
    assert sorted(set(NOT_IN_A_WEB_PROCESS) & loaded) == []
