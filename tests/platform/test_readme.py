"""README.md documents every environment variable that the config/settings package reads."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# env.str("NAME", …), env.bool("NAME", …), env("NAME") … as django-environ is used in settings.
ENV_READ = re.compile(r"""\benv(?:\.[a-z_]+)?\(\s*["']([A-Z][A-Z0-9_]*)["']""")


def variables_read_by_settings() -> set[str]:
    modules = sorted((ROOT / "config" / "settings").glob("*.py"))
    return {name for module in modules for name in ENV_READ.findall(module.read_text())}


def test_the_settings_read_the_variables_the_design_names() -> None:
    names = variables_read_by_settings()

    assert {"DATABASE_URL", "SECRET_KEY", "DEBUG", "CELERY_BROKER_URL", "EMAIL_URL"} <= names


def test_every_variable_the_settings_read_is_in_the_readme_table() -> None:
    readme = (ROOT / "README.md").read_text()

    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", readme, flags=re.MULTILINE))

    assert variables_read_by_settings() - documented == set()
