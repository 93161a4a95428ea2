"""Plain Celery, no Django: the trivial task the shop's handler runs are compared with.

    celery -A baseline.tasks worker -Q baseline.trivial -P prefork -c 2 --prefetch-multiplier 1

Broker: BASELINE_BROKER_URL. Celery's defaults otherwise (early acknowledgement, JSON).
"""

from __future__ import annotations

import os

from celery import Celery

QUEUE = "baseline.trivial"

app = Celery("baseline", broker=os.environ.get("BASELINE_BROKER_URL", "redis://127.0.0.1:6379/13"))
app.conf.task_default_queue = QUEUE
app.conf.task_ignore_result = True
app.conf.worker_hijack_root_logger = False


@app.task(name="baseline.trivial")
def trivial(number: int) -> int:
    return number
