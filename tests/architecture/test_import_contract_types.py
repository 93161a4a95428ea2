"""The forbidden_external import contract reads full dotted names out of import statements."""

from __future__ import annotations

import pytest

from modulith.architecture.import_contracts import imported_names, names_module


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("import jwt", {"jwt"}),
        ("import django.contrib.auth as auth", {"django.contrib.auth"}),
        ("import os, django.db.models.signals", {"os", "django.db.models.signals"}),
        ("from django.contrib import auth", {"django.contrib", "django.contrib.auth"}),
        (
            "from django.db.models.signals import post_save, pre_save as before",
            {
                "django.db.models.signals",
                "django.db.models.signals.post_save",
                "django.db.models.signals.pre_save",
            },
        ),
        ("from django.db.models import (", {"django.db.models"}),
        (
            "from rest_framework_simplejwt import tokens  # why",
            {"rest_framework_simplejwt", "rest_framework_simplejwt.tokens"},
        ),
        ("x = 1", set()),
    ],
)
def test_an_import_line_yields_every_name_it_may_bring_in(line: str, expected: set[str]) -> None:
    names = imported_names(line)

    assert names == expected


def test_a_module_names_itself_and_its_submodules_but_not_its_siblings() -> None:
    module = "django.contrib.auth"

    assert names_module("django.contrib.auth", module)
    assert names_module("django.contrib.auth.models", module)
    assert not names_module("django.contrib.authentication", module)
    assert not names_module("django.contrib", module)
