"""The database-per-context drill, run in a process of its own by test_databases.py.

    DJANGO_SETTINGS_MODULE=tests.modulith.two_databases_settings TWO_DATABASES_REMOTE_URL=<url> \
        DATABASE_URL=<url> SHOP_TEST_APPS=true python -m tests.modulith.two_databases

The remote context gets its own database alias purely by settings (CONTEXT_DATABASES). The
script migrates that database, publishes from the sample context (whose outbox is in the default
database), lets the events flow (after commit, and through the relay), redelivers them, and
prints what each database holds, as JSON, for the test to judge.
"""

from __future__ import annotations

import json
import os
import uuid

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.modulith.two_databases_settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from modulith.events.recovery.relay import relay_once  # noqa: E402
from modulith.models import InboxMessage, OutboxMessage  # noqa: E402
from modulith.testing import make_envelope, redeliver  # noqa: E402
from tests.modulith.contexts.remote.models import Arrival  # noqa: E402
from tests.modulith.contexts.sample.events import ThingMoved  # noqa: E402
from tests.modulith.contexts.sample.services import thing_move  # noqa: E402

SUBSCRIPTION = "remote.on_thing_moved"


def main() -> dict[str, object]:
    call_command("migrate", database="remote", verbosity=0)

    # 1. Published and dispatched right after commit.
    moved = thing_move(thing_id=uuid.uuid4(), to="after-commit")

    # 2. Committed but never dispatched (as if the publisher died): the relay sends it.
    stranded = make_envelope(ThingMoved(thing_id=uuid.uuid4(), to="relay"))
    OutboxMessage.objects.using("default").create(
        id=stranded["id"],
        event_type=stranded["type"],
        source_context="sample",
        envelope=stranded,
        available_at=timezone.now(),
    )
    relayed = relay_once().dispatched

    # 3. Both delivered again, as a broker or a second relay might.
    duplicates = [redeliver(SUBSCRIPTION, envelope).value for envelope in (moved, stranded)]

    return {
        "relayed": relayed,
        "duplicates": duplicates,
        "outbox": {
            alias: sorted(
                str(event_id)
                for event_id in OutboxMessage.objects.using(alias)
                .filter(dispatched_at__isnull=False)
                .values_list("id", flat=True)
            )
            for alias in ("default", "remote")
        },
        "inbox": {
            alias: sorted(
                str(event_id)
                for event_id in InboxMessage.objects.using(alias)
                .filter(subscription=SUBSCRIPTION, status="processed")
                .values_list("event_id", flat=True)
            )
            for alias in ("default", "remote")
        },
        "arrivals_in_remote": sorted(Arrival.objects.using("remote").values_list("to", flat=True)),
        "arrivals_routed_to": Arrival.objects.db,
        "event_ids": sorted([moved["id"], stranded["id"]]),
    }


if __name__ == "__main__":
    print(json.dumps(main()))
