"""The topology's database router on a real database: a process reads and writes only the apps
its service holds, and anything else raises an error naming the service that holds it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import Group
from django.db import router

from contexts.catalog.models import Product
from contexts.payments.models import PaymentMethod
from modulith.models import OutboxMessage
from modulith.topology.guard import ContextNotHostedHere
from modulith.topology.placement import ServiceView

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

RunAs = Callable[[str, str], ServiceView]


def test_reading_a_context_hosted_elsewhere_names_its_service(
    postgres: None, run_as: RunAs
) -> None:
    run_as("payments", "shop")

    with pytest.raises(ContextNotHostedHere) as refused:
        PaymentMethod.objects.count()

    message = str(refused.value)
    assert "context 'payments' is hosted by service 'payments'" in message
    assert "this process is service 'shop'" in message
    assert "http://127.0.0.1:8105" in message


def test_saving_a_context_hosted_elsewhere_is_refused(postgres: None, run_as: RunAs) -> None:
    run_as("catalog", "shop")

    with pytest.raises(ContextNotHostedHere, match="hosted by service 'catalog'"):
        Product.objects.create(sku="TOPO-1", name="Tea", price="1.00")


def test_the_hosted_contexts_and_the_kernel_work_as_ever(postgres: None, run_as: RunAs) -> None:
    run_as("payments", "shop")

    Product.objects.create(sku="TOPO-1", name="Tea", price="1.00", weight_grams=100)
    Group.objects.create(name="topo")  # the shop is the home here: auth lives with identity

    assert Product.objects.get(sku="TOPO-1").name == "Tea"
    assert Group.objects.filter(name="topo").exists()
    assert not OutboxMessage.objects.filter(source_context="payments").exists()


def test_djangos_user_apps_live_with_identity_only(postgres: None, run_as: RunAs) -> None:
    run_as("identity", "shop")

    with pytest.raises(ContextNotHostedHere, match="app 'auth' keeps its tables with service"):
        Group.objects.count()


def test_migrate_skips_what_the_service_does_not_hold(run_as: RunAs) -> None:
    run_as("payments", "payments")

    assert router.allow_migrate("default", "payments")
    assert router.allow_migrate("default", "modulith")
    assert not router.allow_migrate("default", "orders")
    assert not router.allow_migrate("default", "auth")
    assert not router.allow_migrate("default", "django_celery_beat")


def test_the_monolith_holds_everything(postgres: None, run_as: RunAs) -> None:
    run_as("monolith", "monolith")
    Group.objects.create(name="topo")

    assert PaymentMethod.objects.count() == 0
    assert Group.objects.filter(name="topo").exists()
