"""Structured logs: JSON lines that carry the correlation id of the flow they belong to."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client, RequestFactory, override_settings

from modulith.events.delivery import Outcome, deliver
from modulith.events.envelope import current_correlation_id
from modulith.events.subscriptions import Subscription
from modulith.models import OutboxMessage
from modulith.ops.logs import (
    CorrelationFilter,
    JsonFormatter,
    PlainFormatter,
    log_context,
)
from tests.modulith.contexts.sample.events import ThingHappened
from tests.support.workers import ROOT

REQUEST_ID = "req-ops-42"
logger = logging.getLogger("tests.operations")


@pytest.fixture
def json_lines() -> Iterator[Callable[[], list[dict[str, Any]]]]:
    """Every record logged during the test, as the JSON formatter writes it (one dict a line)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(CorrelationFilter())
    root = logging.getLogger()
    previous_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)
    root.setLevel(previous_level)


def lines_saying(lines: list[dict[str, Any]], message: str) -> list[dict[str, Any]]:
    return [line for line in lines if line["message"].startswith(message)]


def probe(handler: Callable[[ThingHappened], None]) -> Subscription:
    """A subscription of the listener context to ThingHappened that runs `handler`."""
    return Subscription(
        name="listener.ops_probe",
        context_label="listener",
        event_type="shop.sample.thing.happened.v1",
        event_class=ThingHappened,
        handler=handler,
    )


def logs_that_it_handled(event: ThingHappened) -> None:
    logger.info("handled %s", event.thing_id)


def fails(event: ThingHappened) -> None:
    raise RuntimeError("the probe fails")


@pytest.fixture
def flow_started_by_a_request(db: None) -> dict[str, Any]:
    """POST one request with an X-Correlation-ID; returns the envelope of the event it published
    (still pending: the test's transaction never commits, so nothing is delivered yet)."""
    with override_settings(ROOT_URLCONF="tests.operations.urls"):
        response = Client().post("/flows/", headers={"X-Correlation-ID": REQUEST_ID})
    return OutboxMessage.objects.get(id=response.json()["event_id"]).envelope


def test_a_line_logged_while_a_request_runs_carries_its_correlation_id(
    json_lines, flow_started_by_a_request
):
    [line] = lines_saying(json_lines(), "starting a flow")

    assert line["correlation_id"] == REQUEST_ID
    assert line["logger"] == "tests.operations"
    assert line["level"] == "INFO"


def test_a_handler_running_later_logs_the_correlation_id_of_the_request_that_started_the_flow(
    json_lines, flow_started_by_a_request
):
    envelope = flow_started_by_a_request

    # As a worker or the relay would: outside the request, from the envelope alone.
    outcome = deliver(probe(logs_that_it_handled), envelope)

    [line] = lines_saying(json_lines(), "handled")
    assert outcome == Outcome.PROCESSED
    assert line["correlation_id"] == REQUEST_ID
    assert line["event_id"] == envelope["id"]
    assert line["event_type"] == "shop.sample.thing.happened.v1"


def test_delivery_names_the_subscription_in_the_handlers_lines_and_in_its_retry_warning(
    json_lines, flow_started_by_a_request
):
    envelope = flow_started_by_a_request

    deliver(probe(logs_that_it_handled), envelope)
    deliver(probe(fails), {**envelope, "id": "00000000-0000-4000-8000-000000000042"})

    lines = json_lines()
    [handled] = lines_saying(lines, "handled")
    [retrying] = [line for line in lines if line["logger"] == "modulith.events.delivery"]
    assert handled["subscription"] == "listener.ops_probe"
    assert retrying["subscription"] == "listener.ops_probe"
    assert retrying["correlation_id"] == REQUEST_ID


def test_log_context_names_the_delivery_in_every_line_logged_inside_it(json_lines):
    envelope = {"id": "e-1", "type": "shop.sample.thing.happened.v1", "correlationid": "req-9"}

    with log_context(subscription="listener.ops_probe", envelope=envelope):
        logger.warning("inside")
    logger.warning("outside")

    inside, outside = json_lines()
    assert inside["subscription"] == "listener.ops_probe"
    assert inside["event_id"] == "e-1"
    assert inside["correlation_id"] == "req-9"
    assert "subscription" not in outside and "correlation_id" not in outside


def test_a_line_django_logs_after_the_response_takes_the_id_left_on_the_request(json_lines):
    request = RequestFactory().get("/nowhere/")
    request.correlation_id = "req-404"  # what CorrelationIdMiddleware leaves there

    logging.getLogger("django.request").warning("Not Found: /nowhere/", extra={"request": request})

    [line] = json_lines()
    assert line["correlation_id"] == "req-404"


def test_a_json_line_keeps_extra_values_and_the_traceback(json_lines):
    token = current_correlation_id.set("req-7")
    try:
        try:
            raise ValueError("boom")
        except ValueError:
            logger.exception("it failed", extra={"order_id": 12})
    finally:
        current_correlation_id.reset(token)

    [line] = json_lines()
    assert line["message"] == "it failed"
    assert line["order_id"] == 12
    assert line["correlation_id"] == "req-7"
    assert "ValueError: boom" in line["exception"]
    assert line["time"].endswith("+00:00")


def test_the_plain_format_shows_the_correlation_id_or_a_dash():
    formatter, correlation = PlainFormatter(), CorrelationFilter()
    without = logging.makeLogRecord({"name": "x", "levelname": "INFO", "msg": "no flow"})
    correlation.filter(without)
    token = current_correlation_id.set("req-3")
    try:
        within = logging.makeLogRecord({"name": "x", "levelname": "INFO", "msg": "a flow"})
        correlation.filter(within)
    finally:
        current_correlation_id.reset(token)

    assert formatter.format(without).endswith("INFO x [-] no flow")
    assert formatter.format(within).endswith("INFO x [req-3] a flow")


def test_log_format_json_makes_every_process_log_json_lines():
    code = (
        "import logging; from modulith.events.envelope import current_correlation_id; "
        "current_correlation_id.set('req-5'); logging.getLogger('shop').warning('hello')"
    )
    env = {**os.environ, "DEBUG": "true", "LOG_FORMAT": "json", "SHOP_TEST_APPS": "false"}

    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert result.returncode == 0, result.stderr
    assert {"logger": "shop", "message": "hello", "correlation_id": "req-5"}.items() <= lines[
        -1
    ].items()


def test_an_unknown_log_format_stops_the_process_with_a_clear_message():
    env = {**os.environ, "DEBUG": "true", "LOG_FORMAT": "xml"}

    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert "LOG_FORMAT must be 'json' or 'plain'" in result.stderr
