"""The run-time guards (modulith.guards) fire on what the source cannot show.

Each violation is real code run as part of a real context: its source is compiled into a module
named inside that context's package (contexts.orders.probe_...), so the frames it runs in are
that context's, exactly as if the file had been added to contexts/orders/. The rest of the test
suite is the control: every test runs with the guards on, so the shop's own paths are clean.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core import mail
from django.db import connection, transaction

from modulith import guards
from modulith.guards import ApiResultLeak, CrossContextQuery, SideEffectInTransaction

Taken = Callable[[], list[guards.BoundaryViolation]]


@pytest.fixture
def as_context() -> Iterator[Callable[[str, str], Any]]:
    """Run source as a module of a context: `as_context("orders", source)` -> the module."""
    created: list[str] = []

    def load(context: str, source: str) -> Any:
        name = f"contexts.{context}.probe_{len(created)}"
        module = types.ModuleType(name)
        module.__file__ = f"<{name}>"
        sys.modules[name] = module
        created.append(name)
        exec(compile(source, module.__file__, "exec"), module.__dict__)
        return module

    yield load
    for name in created:
        sys.modules.pop(name, None)


# --- tables --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_context_reading_another_contexts_model_is_refused(
    as_context: Callable[[str, str], Any], boundary_violations: Taken
) -> None:
    probe = as_context(
        "orders",
        "def stock_count():\n"
        "    from django.apps import apps\n\n"
        "    return apps.get_model('inventory', 'StockItem').objects.count()\n",
    )

    with pytest.raises(CrossContextQuery, match=r"inventory_stockitem \(inventory\)") as error:
        probe.stock_count()

    assert "Code of context orders" in str(error.value)
    assert "docs/rules.md#rule-3" in str(error.value)
    assert boundary_violations() == [error.value]


@pytest.mark.django_db
def test_raw_sql_joining_another_contexts_table_is_refused(
    as_context: Callable[[str, str], Any], boundary_violations: Taken
) -> None:
    probe = as_context(
        "orders",
        "from django.db import transaction\n\n"
        "def reserved_orders():\n"
        "    with transaction.get_connection().cursor() as cursor:\n"
        "        cursor.execute(\n"
        "            'SELECT o.id FROM orders_order o JOIN inventory_reservation r'\n"
        "            ' ON r.order_id = o.id'\n"
        "        )\n"
        "        return cursor.fetchall()\n",
    )

    with pytest.raises(CrossContextQuery, match="inventory_reservation"):
        probe.reserved_orders()

    assert len(boundary_violations()) == 1


@pytest.mark.django_db
def test_a_queryset_handed_over_and_evaluated_by_the_caller_is_refused(
    as_context: Callable[[str, str], Any], boundary_violations: Taken
) -> None:
    inventory = as_context(
        "inventory",
        "from contexts.inventory.models import StockItem\n\n"
        "def low_stock():\n"
        "    return StockItem.objects.filter(on_hand__lt=5)\n",
    )
    orders = as_context("orders", "def count(queryset):\n    return len(list(queryset))\n")

    with pytest.raises(CrossContextQuery, match="Code of context orders"):
        orders.count(inventory.low_stock())

    assert len(boundary_violations()) == 1


@pytest.mark.django_db
def test_a_context_may_query_its_own_tables_and_the_kernels(
    as_context: Callable[[str, str], Any], boundary_violations: Taken
) -> None:
    probe = as_context(
        "orders",
        "from contexts.orders.models import Order\n"
        "from modulith.models import OutboxMessage\n\n"
        "def counts():\n"
        "    return Order.objects.count(), OutboxMessage.objects.count()\n",
    )

    counts = probe.counts()

    assert counts == (0, 0)
    assert boundary_violations() == []


@pytest.mark.django_db
def test_an_api_call_is_attributed_to_the_context_that_serves_it(
    as_context: Callable[[str, str], Any], boundary_violations: Taken
) -> None:
    probe = as_context(
        "orders",
        "from contexts.catalog import api as catalog_api\n\n"
        "def prices():\n"
        "    return catalog_api.get_products(skus=['NOPE'])\n",
    )

    products = probe.prices()

    assert products == {}
    assert boundary_violations() == []


# --- side effects in a transaction ---------------------------------------------------------------


@pytest.mark.django_db
def test_send_mail_inside_a_transaction_is_refused(
    as_context: Callable[[str, str], Any], boundary_violations: Taken
) -> None:
    probe = as_context(
        "notifications",
        "from django.core.mail import send_mail\n"
        "from django.db import transaction\n\n"
        "@transaction.atomic\n"
        "def welcome():\n"
        "    send_mail('Hi', 'Welcome', 'shop@example.com', ['ada@example.com'])\n",
    )

    with pytest.raises(SideEffectInTransaction, match="sends email") as error:
        probe.welcome()

    assert "transaction.on_commit" in str(error.value)
    assert mail.outbox == []
    assert len(boundary_violations()) == 1


@pytest.mark.django_db
def test_delay_inside_a_transaction_is_refused_before_anything_is_sent(
    as_context: Callable[[str, str], Any], boundary_violations: Taken
) -> None:
    probe = as_context(
        "inventory",
        "from django.db import transaction\n"
        "from contexts.inventory import tasks\n\n"
        "def expire_now():\n"
        "    with transaction.atomic():\n"
        "        tasks.expire_reservations.delay()\n",
    )

    with pytest.raises(SideEffectInTransaction, match="sends a task to the broker"):
        probe.expire_now()

    assert len(boundary_violations()) == 1


@pytest.mark.django_db
def test_send_task_inside_a_transaction_is_refused(boundary_violations: Taken) -> None:
    from celery import current_app

    with transaction.atomic(), pytest.raises(SideEffectInTransaction, match="broker"):
        current_app.send_task("inventory.expire_reservations")

    assert len(boundary_violations()) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("client", ["requests", "httpx"])
def test_http_inside_a_transaction_is_refused_before_connecting(
    client: str, boundary_violations: Taken
) -> None:
    import httpx
    import requests

    call = {
        "requests": lambda: requests.post("http://127.0.0.1:9/charge", timeout=1),
        "httpx": lambda: httpx.post("http://127.0.0.1:9/charge", timeout=1),
    }[client]

    with transaction.atomic(), pytest.raises(SideEffectInTransaction, match="HTTP request"):
        call()

    assert len(boundary_violations()) == 1


@pytest.mark.django_db
def test_email_after_the_commit_is_allowed(boundary_violations: Taken) -> None:
    with transaction.atomic():
        pass

    mail.send_mail("Hi", "Welcome", "shop@example.com", ["ada@example.com"])

    assert len(mail.outbox) == 1
    assert boundary_violations() == []


def test_the_test_case_transaction_does_not_count(db: None) -> None:
    assert connection.in_atomic_block  # pytest-django's transaction around the test

    assert guards.side_effects.open_transaction() is None


# --- api results ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "returned",
    ["Order.objects.all()", "Order.objects", "Order(status='pending')", "[Order()]"],
)
def test_an_api_function_returning_models_is_refused(
    returned: str, as_context: Callable[[str, str], Any], boundary_violations: Taken
) -> None:
    probe = as_context(
        "orders",
        "from modulith.remote import api_function\n"
        "from contexts.orders.models import Order\n\n"
        "@api_function\n"
        f"def leaky_orders() -> object:\n    return {returned}\n",
    )

    with pytest.raises(ApiResultLeak, match="leaky_orders") as error:
        probe.leaky_orders()

    assert "docs/rules.md#rule-10" in str(error.value)
    assert len(boundary_violations()) == 1


# --- when the guards are on ----------------------------------------------------------------------


def test_the_guards_are_on_under_the_test_kit() -> None:
    assert guards.active()


@pytest.mark.parametrize(
    ("debug", "setting", "expected"),
    [(True, None, True), (False, None, False), (False, True, True), (True, False, False)],
)
def test_the_settings_decide_outside_tests(
    settings: Any, debug: bool, setting: bool | None, expected: bool
) -> None:
    settings.DEBUG = debug
    settings.MODULITH = {**settings.MODULITH, "GUARDS": setting}
    if setting is None:
        settings.MODULITH.pop("GUARDS")

    assert guards.wanted() is expected
