"""The wire format of api calls: DTOs, arguments and declared exceptions survive a round trip."""

from __future__ import annotations

import json
import uuid
from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from types import ModuleType

import pytest
from pydantic import ValidationError

from contexts.catalog import api as catalog_api
from contexts.identity import api as identity_api
from contexts.orders import api as orders_api
from contexts.shipping import api as shipping_api
from modulith.remote.codec import FunctionCodec, codec_for, declared_exceptions, wire_type
from modulith.remote.registry import describe


def codec_of(function: object) -> FunctionCodec:
    return codec_for(describe(function).local)  # type: ignore[arg-type]


def through_json(payload: object) -> object:
    return json.loads(json.dumps(payload))


def an_order() -> orders_api.OrderDTO:
    return orders_api.OrderDTO(
        id=uuid.uuid4(),
        customer_id=uuid.uuid4(),
        status="confirmed",
        currency="EUR",
        subtotal=Decimal("39.99"),
        shipping_cost=Decimal("4.90"),
        total=Decimal("44.89"),
        lines=(
            orders_api.OrderLineDTO(
                sku="MUG-1", quantity=2, unit_price=Decimal("10.00"), line_total=Decimal("20.00")
            ),
            orders_api.OrderLineDTO(
                sku="TEE-1", quantity=1, unit_price=Decimal("19.99"), line_total=Decimal("19.99")
            ),
        ),
        placed_at=datetime(2025, 3, 1, 12, 30, 15, 123456, tzinfo=UTC),
    )


def test_an_order_dto_with_decimals_uuids_a_datetime_and_a_tuple_of_lines_round_trips() -> None:
    codec = codec_of(orders_api.get_order)
    order = an_order()

    decoded = codec.decode_result(codec.encode_result(order))

    assert decoded == order
    assert isinstance(decoded, orders_api.OrderDTO)
    assert isinstance(decoded.lines, tuple)
    assert isinstance(decoded.lines[0], orders_api.OrderLineDTO)
    assert decoded.placed_at.utcoffset() is not None


def test_money_travels_as_exact_decimal_strings() -> None:
    codec = codec_of(orders_api.get_order)

    body = json.loads(codec.encode_result(an_order()))

    assert (body["subtotal"], body["shipping_cost"], body["total"]) == ("39.99", "4.90", "44.89")


def test_a_dict_of_product_dtos_round_trips() -> None:
    codec = codec_of(catalog_api.get_products)
    products = {
        "TEA-1": catalog_api.ProductDTO(
            id=uuid.uuid4(),
            sku="TEA-1",
            name="Tea",
            price=Decimal("4.20"),
            currency="EUR",
            weight_grams=100,
            active=False,
        )
    }

    decoded = codec.decode_result(codec.encode_result(products))

    assert decoded == products


def test_a_collection_argument_travels_as_a_list_whatever_collection_the_caller_passes() -> None:
    codec = codec_of(catalog_api.get_products)

    decoded = codec.decode_arguments(codec.encode_arguments({"skus": frozenset({"A", "B"})}))

    assert sorted(decoded["skus"]) == ["A", "B"]


def test_dataclass_arguments_are_rebuilt_as_the_dataclass() -> None:
    codec = codec_of(shipping_api.quote)
    lines = [shipping_api.ParcelLine(sku="MUG-1", quantity=2, weight_grams=350)]

    decoded = codec.decode_arguments(
        codec.encode_arguments({"lines": lines, "country": "DE", "currency": "EUR"})
    )

    assert decoded == {"lines": lines, "country": "DE", "currency": "EUR"}


@pytest.mark.parametrize(
    "body",
    [
        b'{"skus": "TEA-1"}',  # a string is not a list of skus
        b'{"skus": ["TEA-1"], "limit": 3}',  # an argument the function does not take
        b"{}",  # a required argument missing
        b'["TEA-1"]',  # not an object
        b'{"skus": [',  # not JSON
    ],
)
def test_arguments_that_do_not_fit_the_hints_are_refused(body: bytes) -> None:
    codec = codec_of(catalog_api.get_products)

    with pytest.raises(ValidationError):
        codec.decode_arguments(body)


def test_a_declared_exception_comes_back_as_its_own_class_with_its_message() -> None:
    codec = codec_of(shipping_api.quote)

    decoded = codec.decode_exception(
        through_json(codec.encode_exception(shipping_api.NoShippingRate("We do not ship to XX.")))
    )

    assert type(decoded) is shipping_api.NoShippingRate
    assert str(decoded) == "We do not ship to XX."


def test_a_declared_exceptions_attributes_get_their_init_hints_types_back() -> None:
    codec = codec_of(identity_api.get_customer)
    customer_id = uuid.uuid4()

    decoded = codec.decode_exception(
        through_json(codec.encode_exception(identity_api.CustomerNotFound(customer_id)))
    )

    assert isinstance(decoded, identity_api.CustomerNotFound)
    assert decoded.customer_id == customer_id and isinstance(decoded.customer_id, uuid.UUID)
    assert decoded.email is None
    assert str(decoded) == f"No customer has id {customer_id}."


def test_exceptions_the_api_module_does_not_declare_do_not_travel() -> None:
    codec = codec_of(identity_api.get_customer)

    assert codec.encode_exception(ValueError("boom")) is None
    assert codec.decode_exception({"name": "ValueError", "args": ["boom"]}) is None


def test_the_api_declares_the_exceptions_it_defines_or_re_exports_from_its_context() -> None:
    # Both are raised by their context's selectors and re-exported by its api (rule 13).
    assert set(codec_of(orders_api.get_order).exceptions) == {"OrderNotFound"}
    assert set(codec_of(shipping_api.quote).exceptions) == {"NoShippingRate"}
    assert set(codec_of(identity_api.get_customer).exceptions) == {"CustomerNotFound"}


def test_an_exception_imported_from_elsewhere_is_not_declared() -> None:
    module = ModuleType("contexts.probe.api")
    module.CustomerNotFound = identity_api.CustomerNotFound  # type: ignore[attr-defined]
    module.LookupError = LookupError  # type: ignore[attr-defined]

    assert declared_exceptions(module) == {}


def test_abstract_collections_become_lists_at_any_depth() -> None:
    assert wire_type(Collection[str]) == list[str]
    assert wire_type(dict[str, Collection[int]] | None) == dict[str, list[int]] | None
    assert wire_type(Sequence[int]) == Sequence[int]
