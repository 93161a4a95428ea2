"""Sync api dependencies are read off the import graph: imports of another context's api."""

from __future__ import annotations

import grimp

from modulith.architecture.graph import ApiImport, api_imports

PACKAGES = {"contexts.orders": "orders", "contexts.catalog": "catalog", "contexts.order": "order"}


def graph_with(*imports: tuple[str, str]) -> grimp.ImportGraph:
    graph = grimp.ImportGraph()
    for importer, imported in imports:
        graph.add_import(importer=importer, imported=imported)
    return graph


def test_an_import_of_another_contexts_api_is_an_api_dependency() -> None:
    graph = graph_with(("contexts.orders.services", "contexts.catalog.api"))

    found = api_imports(graph, PACKAGES)

    assert found == [
        ApiImport("orders", "catalog", "contexts.orders.services", "contexts.catalog.api")
    ]


def test_imports_of_events_own_api_or_private_modules_are_not_api_dependencies() -> None:
    graph = graph_with(
        ("contexts.orders.handlers", "contexts.catalog.events"),
        ("contexts.orders.rest.views", "contexts.orders.api"),
        ("contexts.catalog.api", "contexts.catalog.selectors"),
    )

    found = api_imports(graph, PACKAGES)

    assert found == []


def test_an_api_split_into_a_package_counts_with_its_submodules() -> None:
    graph = graph_with(("contexts.orders.services", "contexts.catalog.api.products"))
    graph.add_module("contexts.catalog.api")

    found = api_imports(graph, PACKAGES)

    assert [(i.caller, i.callee, i.imported) for i in found] == [
        ("orders", "catalog", "contexts.catalog.api.products")
    ]


def test_a_context_whose_name_prefixes_another_is_told_apart() -> None:
    graph = graph_with(("contexts.orders.services", "contexts.order.api"))

    found = api_imports(graph, PACKAGES)

    assert [(i.caller, i.callee) for i in found] == [("orders", "order")]
