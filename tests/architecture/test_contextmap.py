"""The context map: rendered from a map of the code, deterministic, and kept up to date."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from modulith.architecture.contextmap import (
    ApiFunction,
    ContextCanvas,
    ContextMap,
    Endpoint,
    EventFlow,
    PublishedEvent,
    Table,
    collect_context_map,
    format_signature,
    render_context_map,
)
from modulith.architecture.graph import ApiImport
from modulith.contexts.registry import all_contexts
from modulith.events.subscriptions import all_subscriptions
from tests.architecture.project import ROOT, Project

PLACED = EventFlow(
    event_type="shop.orders.order.placed.v1",
    event_class="OrderPlaced",
    publisher="orders",
    subscriber="stock",
    subscription="stock.on_order_placed",
)
ORDERS_CALL_CATALOG = ApiImport(
    caller="orders",
    callee="catalog",
    importer="contexts.orders.services",
    imported="contexts.catalog.api",
)


def canvas(name: str, **fields: object) -> ContextCanvas:
    return ContextCanvas(
        name=name,
        package=f"contexts.{name}",
        verbose_name=name.capitalize(),
        queue=f"ctx.{name}",
        database_alias="default",
        **fields,  # type: ignore[arg-type]
    )


def small_map() -> ContextMap:
    return ContextMap(
        contexts=(
            canvas(
                "orders",
                published=(PublishedEvent("OrderPlaced", PLACED.event_type),),
                endpoints=(Endpoint("/api/orders/", ("GET", "POST"), "views.OrderList"),),
                tables=(Table("Order", "orders_order"),),
            ),
            canvas(
                "catalog",
                api_functions=(
                    ApiFunction("get_products", "get_products(*, skus: list[str]) -> dict", "Doc."),
                ),
            ),
            canvas("stock"),
        ),
        api_imports=(ORDERS_CALL_CATALOG,),
        event_flows=(PLACED,),
    )


def test_the_diagram_draws_api_calls_solid_and_events_dotted() -> None:
    context_map = small_map()

    text = render_context_map(context_map)

    assert '    ctx_orders -->|"api"| ctx_catalog' in text
    assert '    ctx_orders -.->|"OrderPlaced"| ctx_stock' in text


def test_each_context_has_a_canvas_with_what_it_offers_and_needs() -> None:
    context_map = small_map()

    text = render_context_map(context_map)

    orders = text.split("## orders", 1)[1].split("\n## ", 1)[0]
    assert "- catalog: `contexts.orders.services` imports `contexts.catalog.api`" in orders
    assert "- OrderPlaced `shop.orders.order.placed.v1` → `stock.on_order_placed`" in orders
    assert "| GET POST | `/api/orders/` | `views.OrderList` |" in orders
    assert "- Order: table `orders_order`" in orders
    catalog = text.split("## catalog", 1)[1].split("\n## ", 1)[0]
    assert "- `get_products(*, skus: list[str]) -> dict`: Doc." in catalog


def test_the_map_is_the_same_whatever_order_its_parts_come_in() -> None:
    context_map = small_map()
    shuffled = ContextMap(
        contexts=tuple(reversed(context_map.contexts)),
        api_imports=context_map.api_imports,
        event_flows=context_map.event_flows,
    )

    assert render_context_map(shuffled) == render_context_map(context_map)


def test_a_signature_shows_annotations_as_written_without_quotes() -> None:
    def get_products(*, skus: Collection[str], limit: int = 10) -> dict[str, int]:
        return {}

    get_products.__annotations__ = {
        "skus": "Collection[str]",
        "limit": "int",
        "return": "dict[str, ProductDTO]",
    }

    shown = format_signature(get_products)

    assert shown == "(*, skus: Collection[str], limit: int = 10) -> dict[str, ProductDTO]"


def test_the_collected_map_covers_every_context_and_every_subscription() -> None:
    context_map = collect_context_map()

    assert {c.name for c in context_map.contexts} == {c.label for c in all_contexts()}
    assert {f.subscription for f in context_map.event_flows} == {
        s.name for s in all_subscriptions()
    }


def test_the_collected_api_dependencies_never_point_at_the_caller_itself() -> None:
    context_map = collect_context_map()

    assert all(found.caller != found.callee for found in context_map.api_imports)
    assert all(
        found.imported.startswith(f"contexts.{found.callee}.api")
        for found in context_map.api_imports
    )


def test_the_committed_context_map_matches_the_code() -> None:
    # As `make lint` runs it: in a process of its own, without the test-only apps.
    result = Project(ROOT).manage("contextmap", "--check")

    assert result.returncode == 0, result.stdout + result.stderr


def test_a_stale_context_map_fails_the_check_and_says_how_to_fix_it(tmp_path: Path) -> None:
    stale = tmp_path / "context-map.md"
    stale.write_text("# An old map\n", encoding="utf-8")

    with pytest.raises(CommandError) as failure:
        call_command("contextmap", "--check", "--output", str(stale))

    assert "run `manage.py contextmap`" in str(failure.value)


def test_writing_the_map_then_checking_it_passes(tmp_path: Path) -> None:
    path = tmp_path / "docs" / "context-map.md"
    call_command("contextmap", "--output", str(path))

    call_command("contextmap", "--check", "--output", str(path))
