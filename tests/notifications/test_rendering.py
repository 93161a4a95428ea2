"""Rendering notification emails from their templates (unit: no database)."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from contexts.notifications.rendering import SUBJECT_MAX_LENGTH, TEMPLATES, render_email
from tests.support.event_factories import ShippingAddressFactory


@pytest.mark.parametrize("template", TEMPLATES)
def test_every_template_renders_a_subject_a_plain_text_and_an_html_body(template: str) -> None:
    rendered = render_email(template, {"name": "Ada", "order_id": uuid.uuid4()})

    assert rendered.subject
    assert rendered.text.strip()
    assert rendered.html.lstrip().startswith("<!doctype html>")


def test_a_subject_is_one_line_whatever_the_template_whitespace() -> None:
    rendered = render_email("welcome", {"name": "Ada\n  Lovelace"})

    assert rendered.subject == "Welcome to the shop, Ada Lovelace"


def test_a_subject_is_cut_to_the_column_length() -> None:
    rendered = render_email("welcome", {"name": "A" * 500})

    assert len(rendered.subject) == SUBJECT_MAX_LENGTH


def test_html_escapes_what_people_typed_and_plain_text_keeps_it() -> None:
    rendered = render_email("welcome", {"name": "Tom & <Jerry>"})

    assert "Hello Tom & <Jerry>," in rendered.text
    assert "Hello Tom &amp; &lt;Jerry&gt;," in rendered.html


def test_an_order_confirmation_lists_each_line_the_total_and_the_address() -> None:
    context = {
        "name": "Ada",
        "order_id": uuid.uuid4(),
        "lines": [{"sku": "MUG-001", "quantity": 2, "line_total": Decimal("25.00")}],
        "total": Decimal("29.90"),
        "currency": "EUR",
        "address": ShippingAddressFactory(city="Berlin", postal_code="10115"),
    }

    rendered = render_email("order_confirmed", context)

    assert "2 x MUG-001  25.00 EUR" in rendered.text
    assert "Total: 29.90 EUR" in rendered.text
    assert "10115 Berlin" in rendered.text


def test_an_unknown_template_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="no_such_template"):
        render_email("no_such_template", {})
