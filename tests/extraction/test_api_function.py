"""@api_function: every context api is marked, and a context that is not remote runs in process."""

from __future__ import annotations

import inspect
from importlib import import_module
from importlib.util import find_spec

import pytest

from contexts.catalog import api as catalog_api
from modulith.contexts.registry import all_contexts
from modulith.remote import api_function
from modulith.remote.registry import api_functions_of, describe
from tests.catalog.factories import ProductFactory
from tests.extraction.conftest import Remotes
from tests.extraction.listeners import Listener


def test_every_public_function_of_every_context_api_is_an_api_function() -> None:
    unmarked = []
    for context in all_contexts():
        module_name = f"{context.name}.api"
        if not context.name.startswith("contexts.") or find_spec(module_name) is None:
            continue
        module = import_module(module_name)
        marked = api_functions_of(module_name)
        unmarked += [
            f"{module_name}.{name}"
            for name, value in vars(module).items()
            if inspect.isfunction(value)
            and value.__module__ == module_name
            and not name.startswith("_")
            and name not in marked
        ]

    assert unmarked == [], "mark them @api_function (modulith.remote) so they can be extracted"


def test_an_api_function_must_take_keyword_only_arguments() -> None:
    def get_things(skus: list[str]) -> list[str]:
        return skus

    with pytest.raises(TypeError, match="skus must be keyword-only"):
        api_function(get_things)


def test_the_mark_keeps_the_functions_name_signature_and_local_implementation() -> None:
    spec = describe(catalog_api.get_products)

    assert catalog_api.get_products.__name__ == "get_products"
    assert inspect.signature(catalog_api.get_products) == inspect.signature(spec.local)
    assert spec.qualified_name == "catalog.get_products"


@pytest.mark.django_db
def test_a_context_that_is_not_remote_runs_in_process_while_another_is_remote(
    remotes: Remotes,
) -> None:
    ProductFactory(sku="TEA-1")
    with Listener(hang_up=True) as shipping_service:
        remotes(shipping=shipping_service.url)

        products = catalog_api.get_products(skus=["TEA-1"])

    assert list(products) == ["TEA-1"]
    assert shipping_service.accepted == 0
