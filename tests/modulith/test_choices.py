"""modulith.contexts.choices.Codes: a member given only its code is labelled with it in words."""

from __future__ import annotations

from modulith.contexts.choices import Codes


class Outcome(Codes):
    PENDING = "pending"
    OUT_OF_STOCK = "out_of_stock"
    PAYMENT_UNAVAILABLE = "payment_unavailable", "payment provider unavailable"


def test_a_code_is_its_own_label_with_spaces_for_underscores() -> None:
    assert Outcome.PENDING.label == "pending"
    assert Outcome.OUT_OF_STOCK.label == "out of stock"


def test_a_label_given_with_the_code_is_kept() -> None:
    assert Outcome.PAYMENT_UNAVAILABLE.label == "payment provider unavailable"


def test_members_store_their_code_as_text_choices_do() -> None:
    assert Outcome.choices == [
        ("pending", "pending"),
        ("out_of_stock", "out of stock"),
        ("payment_unavailable", "payment provider unavailable"),
    ]
    assert Outcome("out_of_stock") is Outcome.OUT_OF_STOCK
    assert Outcome.OUT_OF_STOCK == "out_of_stock"
