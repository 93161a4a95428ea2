"""startcontext's building blocks: names, the settings line, the rendered files."""

from __future__ import annotations

from pathlib import Path

import pytest

from modulith.architecture.scaffold import (
    TEMPLATES,
    NewContext,
    ScaffoldError,
    register_in_settings,
    render_tree,
    validate_name,
)

SETTINGS = """CONTEXT_APPS = [
    "contexts.identity",
    "contexts.orders",
]

INSTALLED_APPS = ["django.contrib.admin", *CONTEXT_APPS]
"""


def test_registering_appends_the_context_to_the_list_and_changes_nothing_else() -> None:
    source = SETTINGS

    registered = register_in_settings(source, "contexts.loyalty")

    assert registered == SETTINGS.replace(
        '    "contexts.orders",\n', '    "contexts.orders",\n    "contexts.loyalty",\n'
    )


def test_registering_a_listed_context_again_is_refused() -> None:
    with pytest.raises(ScaffoldError, match="already listed"):
        register_in_settings(SETTINGS, "contexts.orders")


def test_settings_without_a_context_list_are_refused_with_what_to_do() -> None:
    with pytest.raises(ScaffoldError, match="INSTALLED_APPS by hand"):
        register_in_settings("INSTALLED_APPS = []\n", "contexts.loyalty")


@pytest.mark.parametrize("name", ["Loyalty", "loyalty-points", "1st", "class", ""])
def test_a_name_that_cannot_be_a_package_and_label_is_refused(name: str) -> None:
    with pytest.raises(ScaffoldError):
        validate_name(name, taken_labels=set())


def test_a_name_already_used_by_an_installed_app_is_refused() -> None:
    with pytest.raises(ScaffoldError, match="already labelled"):
        validate_name("orders", taken_labels={"orders"})


def test_a_context_name_gives_its_config_class_and_verbose_name() -> None:
    context = NewContext(name="loyalty_points", package="contexts.loyalty_points")

    assert context.config_class == "LoyaltyPointsConfig"
    assert context.verbose_name == "Loyalty points"


def test_the_templates_render_the_whole_anatomy(tmp_path: Path) -> None:
    context = NewContext(name="loyalty", package="contexts.loyalty")

    written = render_tree(TEMPLATES / "context", tmp_path, context.substitutions())

    assert {str(path.relative_to(tmp_path)) for path in written} == {
        "__init__.py",
        "admin.py",
        "api.py",
        "apps.py",
        "database.py",
        "events.py",
        "handlers.py",
        "migrations/__init__.py",
        "models.py",
        "rest/__init__.py",
        "rest/serializers.py",
        "rest/urls.py",
        "rest/views.py",
        "selectors.py",
        "services.py",
        "tasks.py",
    }
    apps = (tmp_path / "apps.py").read_text(encoding="utf-8")
    assert "class LoyaltyConfig(modulith.ContextConfig):" in apps
    assert 'name = "contexts.loyalty"' in apps
