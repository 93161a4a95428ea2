"""GET /metrics: outbox backlog, retries and dead letters, read from the database at scrape time.

The rows come from the real kernel: the sample context publishes inside its transaction (the
test's transaction never commits, so the rows stay pending until drained), and the listener's
handler fails or dead-letters as each event asks.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from modulith.models import OutboxMessage
from modulith.testing import drain
from tests.modulith.contexts.sample.events import Behaviour
from tests.modulith.contexts.sample.services import thing_happen
from tests.support.problems import assert_problem_type

pytestmark = pytest.mark.django_db

HANDLER = "listener.on_thing_happened"
AUDIT = "listener.audit_thing_happened"

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


@pytest.fixture(autouse=True)
def metrics_on(settings) -> None:
    settings.METRICS_ENABLED = True
    settings.METRICS_TOKEN = ""


def scrape(client: Client | None = None, **headers: str) -> Samples:
    response = (client or Client()).get("/metrics", headers=headers)
    assert response.status_code == 200, response.content
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples[(name, frozenset({"database": "default", **labels}.items()))]


def publish_things(count: int, behaviour: Behaviour = Behaviour.COUNT) -> list[str]:
    return [thing_happen(thing_id=uuid.uuid4(), behaviour=behaviour)["id"] for _ in range(count)]


def test_pending_outbox_rows_are_counted_per_context_with_the_age_of_the_oldest():
    oldest, *_ = publish_things(3)
    OutboxMessage.objects.filter(id=oldest).update(
        created_at=timezone.now() - timedelta(seconds=90)
    )

    samples = scrape()

    assert value(samples, "modulith_outbox_pending", context="sample") == 3
    assert value(samples, "modulith_outbox_oldest_pending_age_seconds", context="sample") >= 90
    assert value(samples, "modulith_outbox_pending", context="catalog") == 0
    assert value(samples, "modulith_outbox_oldest_pending_age_seconds", context="catalog") == 0
    assert value(samples, "modulith_metrics_database_up") == 1


def test_dispatched_rows_leave_the_backlog():
    publish_things(2)

    drain()
    samples = scrape()

    assert value(samples, "modulith_outbox_pending", context="sample") == 0


def test_retries_and_dead_letters_are_counted_per_subscription():
    publish_things(2, Behaviour.FAIL)
    publish_things(1, Behaviour.FAIL_PERMANENTLY)

    drain(include_retries=False)
    samples = scrape()

    assert value(samples, "modulith_inbox_retrying", subscription=HANDLER) == 2
    assert value(samples, "modulith_inbox_dead_letters", subscription=HANDLER) == 1
    assert value(samples, "modulith_inbox_retrying", subscription=AUDIT) == 0
    assert value(samples, "modulith_inbox_dead_letters", subscription=AUDIT) == 0
    assert value(samples, "modulith_inbox_delivered", subscription=HANDLER) == 0
    assert value(samples, "modulith_inbox_delivered", subscription=AUDIT) == 3


def test_a_scrape_runs_the_same_queries_whatever_the_number_of_rows():
    publish_things(1, Behaviour.FAIL_PERMANENTLY)
    drain(include_retries=False)
    with CaptureQueriesContext(connection) as few:
        scrape()
    publish_things(25, Behaviour.FAIL_PERMANENTLY)
    drain(include_retries=False)
    publish_things(25)

    with CaptureQueriesContext(connection) as many:
        samples = scrape()

    assert value(samples, "modulith_inbox_dead_letters", subscription=HANDLER) == 26
    assert value(samples, "modulith_outbox_pending", context="sample") == 25
    assert len(many.captured_queries) == len(few.captured_queries) == 2


def test_the_scraper_may_ask_for_openmetrics():
    response = Client().get(
        "/metrics", headers={"Accept": "application/openmetrics-text; version=1.0.0"}
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/openmetrics-text")
    assert response.content.decode().endswith("# EOF\n")


def test_metrics_are_a_404_problem_unless_enabled(settings):
    settings.METRICS_ENABLED = False

    response = Client().get("/metrics")

    assert response.status_code == 404
    assert_problem_type(response)


@pytest.mark.parametrize("authorization", [None, "Bearer wrong-token", "Basic c2NyYXBlcg=="])
def test_with_a_token_configured_a_scraper_without_it_gets_a_401_problem(settings, authorization):
    settings.METRICS_TOKEN = "s3cret-scrape-token"
    headers = {"Authorization": authorization} if authorization else {}

    response = Client().get("/metrics", headers=headers)

    assert response.status_code == 401
    assert_problem_type(response)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_with_a_token_configured_a_scraper_sending_it_gets_the_metrics(settings):
    settings.METRICS_TOKEN = "s3cret-scrape-token"

    samples = scrape(Authorization="Bearer s3cret-scrape-token")

    assert value(samples, "modulith_metrics_database_up") == 1


def test_only_reading_methods_are_allowed():
    response = Client().post("/metrics")

    assert response.status_code == 405
    assert_problem_type(response)
