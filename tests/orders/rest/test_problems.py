"""How pricing problems become field errors of a 400 (unit: no database)."""

from __future__ import annotations

from contexts.orders.pricing import FieldProblem
from contexts.orders.rest.problems import field_errors


def test_a_problem_of_one_line_is_nested_where_drf_puts_a_line_error() -> None:
    problem = FieldProblem(("lines", 2, "sku"), "No product has sku 'LAMP-1'.", "unknown_sku")

    errors = field_errors([problem])

    assert errors == {"lines": [{}, {}, {"sku": ["No product has sku 'LAMP-1'."]}]}
    assert errors["lines"][2]["sku"][0].code == "unknown_sku"


def test_problems_of_several_lines_and_fields_share_one_tree() -> None:
    problems = [
        FieldProblem(("lines", 0, "sku"), "first", "unknown_sku"),
        FieldProblem(("lines", 1, "sku"), "second", "inactive_sku"),
        FieldProblem(("shipping_address", "country"), "no rate", "no_shipping_rate"),
    ]

    errors = field_errors(problems)

    assert errors == {
        "lines": [{"sku": ["first"]}, {"sku": ["second"]}],
        "shipping_address": {"country": ["no rate"]},
    }


def test_a_problem_of_the_whole_list_stays_on_the_list() -> None:
    problem = FieldProblem(("lines",), "one order takes one currency", "mixed_currencies")

    assert field_errors([problem]) == {"lines": ["one order takes one currency"]}
