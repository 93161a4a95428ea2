"""The structure of a JSON body is measured on its bytes before it is parsed (no database)."""

from __future__ import annotations

import json

import pytest

from modulith.http.parsers import json_structure_problem


def problem(value: str) -> str | None:
    return json_structure_problem(value.encode(), max_depth=3, max_containers=5)


@pytest.mark.parametrize(
    "text",
    ['{"a": [1, {"b": 2}]}', "[]", '"just a string"', "42", '{"a": "[[[[[[{{{{"}'],
)
def test_shallow_small_bodies_pass(text: str) -> None:
    assert problem(text) is None


@pytest.mark.parametrize("text", ["[[[[]]]]", '{"a": {"b": {"c": {}}}}', '[{"a": [{}]}]'])
def test_nesting_past_the_limit_is_named(text: str) -> None:
    assert problem(text) == "the body nests deeper than 3 levels"


def test_escaped_quotes_do_not_end_a_string_early() -> None:
    assert problem(json.dumps({"a": 'say "[[[[[[" twice \\'})) is None


def test_too_many_containers_are_named_whatever_their_depth() -> None:
    assert problem("[" + ",".join(["{}"] * 6) + "]") == (
        "the body holds more than 5 arrays and objects"
    )


def test_brackets_in_strings_cannot_hide_real_nesting() -> None:
    text = '["]", ["]", ["]", ["]", "["]]]]'

    assert problem(text) == "the body nests deeper than 3 levels"
