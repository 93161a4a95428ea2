"""Every boundary check (modulith.B0xx) is live: realistic violations written into real files of
a copy of the shop are each reported by `manage.py boundaries` at their own line, with the id of
the check that enforces the rule; and the shop as it stands reports nothing.

Each injected violating line carries a `# probe: <name>` marker, so the test knows which line
the finding must point at without counting lines.
"""

from __future__ import annotations

import re
from dataclasses import FrozenInstanceError, dataclass

import pytest
from django.apps import apps

from modulith.architecture.boundaries import CHECKS, Finding, format_text
from modulith.architecture.boundaries.mapping import result_dtos
from tests.architecture.project import Project


@dataclass(frozen=True)
class Violation:
    name: str
    check_id: str
    file: str
    code: str
    # Other files the violation needs, {path: code appended}, e.g. the event it subscribes to.
    setup: tuple[tuple[str, str], ...] = ()


def _violations() -> list[Violation]:
    def v(name: str, check_id: str, file: str, code: str, *setup: tuple[str, str]) -> Violation:
        return Violation(name, check_id, file, code.replace("PROBE", f"# probe: {name}"), setup)

    return [
        v(
            "import_module of inventory's models",
            "modulith.B001",
            "contexts/orders/selectors.py",
            "def probe_stock():\n"
            "    import importlib\n\n"
            '    return importlib.import_module("contexts.inventory.models")  PROBE\n',
        ),
        v(
            "apps.get_model into inventory",
            "modulith.B002",
            "contexts/shipping/selectors.py",
            "def probe_stock_items():\n"
            "    from django.apps import apps\n\n"
            '    return apps.get_model("inventory", "StockItem")  PROBE\n',
        ),
        v(
            "the user model outside identity",
            "modulith.B003",
            "contexts/notifications/selectors.py",
            "def probe_users():\n"
            "    from django.apps import apps\n"
            "    from django.conf import settings\n\n"
            "    return apps.get_model(settings.AUTH_USER_MODEL)  PROBE\n",
        ),
        v(
            "QuerySet.raw",
            "modulith.B004",
            "contexts/catalog/selectors.py",
            "def probe_raw():\n"
            '    return Product.objects.raw("SELECT * FROM catalog_product")  PROBE\n',
        ),
        v(
            "a cursor from transaction.get_connection",
            "modulith.B004",
            "contexts/payments/selectors.py",
            "def probe_cursor():\n"
            "    from django.db import transaction\n\n"
            "    return transaction.get_connection().cursor()  PROBE\n",
        ),
        v(
            "QuerySet.extra",
            "modulith.B004",
            "contexts/shipping/services.py",
            'def probe_extra(queryset):\n    return queryset.extra(where=["id > 0"])  PROBE\n',
        ),
        v(
            "RawSQL",
            "modulith.B004",
            "contexts/inventory/selectors.py",
            "def probe_raw_sql(queryset):\n"
            "    from django.db.models.expressions import RawSQL\n\n"
            '    return queryset.annotate(n=RawSQL("SELECT 1", []))  PROBE\n',
        ),
        v(
            "a raw connection by alias",
            "modulith.B004",
            "contexts/identity/selectors.py",
            "def probe_connection():\n"
            "    from django import db\n\n"
            '    return db.connections["default"]  PROBE\n',
        ),
        v(
            "a join on inventory's table in raw SQL",
            "modulith.B005",
            "contexts/orders/services/cancellation.py",
            "def probe_join():\n"
            "    return Order.objects.raw(\n"
            '        "SELECT o.* FROM orders_order o JOIN inventory_reservation r"  PROBE\n'
            '        " ON r.order_id = o.id"\n'
            "    )\n",
        ),
        v(
            "using inventory's alias",
            "modulith.B006",
            "contexts/orders/services/saga.py",
            'def probe_using():\n    return Order.objects.using("inventory").count()  PROBE\n',
        ),
        v(
            "a copy-pasted ContextDatabase",
            "modulith.B006",
            "contexts/shipping/database.py",
            'probe_database = ContextDatabase("inventory")  PROBE\n',
        ),
        v(
            "post_save.connect without the decorator",
            "modulith.B007",
            "contexts/orders/services/placement.py",
            "def probe_connect():\n"
            "    from django.db import models\n\n"
            "    models.signals.post_save.connect(probe_connect, sender=Order)  PROBE\n",
        ),
        v(
            "a content type of inventory by natural key",
            "modulith.B008",
            "contexts/notifications/services.py",
            "def probe_content_type():\n"
            "    from django.contrib.contenttypes.models import ContentType\n\n"
            '    return ContentType.objects.get_by_natural_key("inventory", "stockitem")  PROBE\n',
        ),
        v(
            "a generic relation",
            "modulith.B009",
            "contexts/notifications/models.py",
            "from django.contrib.contenttypes.fields import GenericForeignKey\n"
            "from django.contrib.contenttypes.models import ContentType\n\n\n"
            "class ProbeAttachment(models.Model):\n"
            "    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)  PROBE\n"
            "    target_id = models.CharField(max_length=40)\n"
            '    target = GenericForeignKey("target_type", "target_id")\n',
        ),
        v(
            "identity's api importing its model",
            "modulith.B010",
            "contexts/identity/api.py",
            "from contexts.identity.models import User  PROBE\n",
        ),
        v(
            "a private helper taken from identity's api",
            "modulith.B011",
            "contexts/payments/demo.py",
            "from contexts.identity.api import _customer_dto  PROBE\n",
        ),
        v(
            "a subscription to an event nobody publishes",
            "modulith.B012",
            "contexts/shipping/handlers.py",
            "from contexts.inventory.events import StockRecounted\n"
            "from modulith import subscribe as probe_subscribe\n\n\n"
            "@probe_subscribe(StockRecounted)  PROBE\n"
            "def probe_on_recount(event: StockRecounted) -> None:\n"
            "    pass\n",
            (
                "contexts/inventory/events.py",
                '@event("shop.inventory.stock.recounted.v1", subject="sku")\n'
                "@dataclass(frozen=True)\n"
                "class StockRecounted:\n"
                "    sku: str\n",
            ),
        ),
        v(
            ".delay() in a handler",
            "modulith.B013",
            "contexts/inventory/handlers.py",
            "@subscribe(OrderConfirmed)\n"
            "def probe_on_confirmed(event: OrderConfirmed) -> None:\n"
            "    from contexts.inventory import tasks\n\n"
            "    tasks.expire_reservations.delay()  PROBE\n",
        ),
        v(
            "send_mail in an atomic service",
            "modulith.B013",
            "contexts/identity/services.py",
            "@transaction.atomic\n"
            "def probe_welcome(*, email: str) -> None:\n"
            "    from django.core.mail import send_mail\n\n"
            '    send_mail("hi", "welcome", None, [email])  PROBE\n',
        ),
        v(
            "requests.post inside a with-atomic block",
            "modulith.B013",
            "contexts/payments/services.py",
            "def probe_charge():\n"
            "    import requests\n\n"
            "    with transaction.atomic(using=database.alias()):\n"
            '        requests.post("https://psp.example/charge", timeout=5)  PROBE\n',
        ),
        v(
            "send_task in an atomic service",
            "modulith.B013",
            "contexts/catalog/services.py",
            "@transaction.atomic\n"
            "def probe_reindex() -> None:\n"
            "    from celery import current_app\n\n"
            '    current_app.send_task("catalog.reindex")  PROBE\n',
        ),
        v(
            "apply_async in a service on the context's database",
            "modulith.B013",
            "contexts/orders/services/cancellation.py",
            "@database.atomic\n"
            "def probe_follow_up(*, order_id) -> None:\n"
            "    from celery import shared_task\n\n"
            "    shared_task(print).apply_async(args=[str(order_id)])  PROBE\n",
        ),
        v(
            "a REST view mapping an order line to orders' api DTO",
            "modulith.B014",
            "contexts/orders/rest/views.py",
            "def probe_line_dto(line):\n"
            "    from contexts.orders.api import OrderLineDTO as Line\n\n"
            "    return Line(sku=line.sku, quantity=1, unit_price=1, line_total=1)  PROBE\n",
        ),
        v(
            "a demo loader building catalog's api DTO through the module",
            "modulith.B014",
            "contexts/catalog/demo.py",
            "def probe_product_dto(product):\n"
            "    from contexts.catalog import api\n\n"
            "    return api.ProductDTO(**vars(product))  PROBE\n",
        ),
    ]


VIOLATIONS = _violations()
NOT_INJECTABLE: dict[str, str] = {}


def marked_line(project: Project, violation: Violation) -> int:
    lines = (project.root / violation.file).read_text(encoding="utf-8").splitlines()
    marker = f"# probe: {violation.name}"
    return next(number for number, text in enumerate(lines, 1) if text.endswith(marker))


def reported(output: str) -> set[tuple[str, int, str]]:
    return {
        (path, int(line), check_id)
        for path, line, check_id in re.findall(
            r"^(\S+?):(\d+):\d+: (modulith\.B\d{3}) ", output, re.M
        )
    }


def test_every_boundary_check_has_a_violation_test() -> None:
    injected = {violation.check_id for violation in VIOLATIONS}

    untested = CHECKS.keys() - injected - NOT_INJECTABLE.keys()

    assert not untested, f"Add a violation for each of these checks: {sorted(untested)}"


def test_the_shop_as_it_stands_reaches_past_no_boundary(project: Project) -> None:
    result = project.manage("boundaries")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "No context reaches past its boundary." in result.stdout


def test_every_injected_violation_is_reported_at_its_line_with_its_check(
    project: Project,
) -> None:
    for violation in VIOLATIONS:
        for path, code in violation.setup:
            project.append(path, code)
        project.append(violation.file, violation.code)
    expected = {
        violation.name: (violation.file, marked_line(project, violation), violation.check_id)
        for violation in VIOLATIONS
    }

    result = project.manage("boundaries")

    output = result.stdout + result.stderr
    found = reported(output)
    missed = {name: place for name, place in expected.items() if place not in found}
    assert result.returncode != 0, output
    assert not missed, f"not reported: {missed}\n{output}"
    assert "Traceback" not in output, output


def test_each_finding_names_its_rule_and_a_fix(project: Project) -> None:
    violation = next(v for v in VIOLATIONS if v.check_id == "modulith.B006")
    project.append(violation.file, violation.code)

    result = project.manage("boundaries")

    line = next(line for line in result.stdout.splitlines() if "modulith.B006" in line)
    assert "Rule 3 (docs/rules.md#rule-3)" in line
    assert "Fix:" in line
    assert "'inventory'" in line


def test_a_finding_is_printed_as_path_line_column_id_message() -> None:
    found = Finding("contexts/orders/selectors.py", 12, 5, "X001", "Reaches past.")

    text = format_text(found)

    assert text == "contexts/orders/selectors.py:12:5: X001 Reaches past."


def test_a_finding_is_immutable() -> None:
    found = Finding("a.py", 1, 1, "X001", "x")

    with pytest.raises(FrozenInstanceError):
        found.line = 2  # type: ignore[misc]


def test_only_the_dtos_api_functions_return_count_as_mapped_by_the_api() -> None:
    # ParcelLine is an argument of shipping.api.quote: callers build it by design.
    assert result_dtos(apps.get_app_config("shipping")) == {"QuoteDTO"}
    assert result_dtos(apps.get_app_config("orders")) == {"OrderDTO", "OrderLineDTO"}
    assert result_dtos(apps.get_app_config("payments")) == frozenset()
