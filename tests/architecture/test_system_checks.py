"""Every modulith system check (modulith.E0xx) is live: a violation injected into a copy of the
project makes `manage.py check` fail with that check's id.

Violations go into throwaway contexts (contexts/probe_*) installed by a line appended to the
copy's settings, so they do not depend on what the real contexts contain today.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from tests.architecture.project import ROOT, Project

Injection = Callable[[Project], None]
INJECTIONS: dict[str, Injection] = {}

SETTINGS = "config/settings/__init__.py"

EVENT = """
from dataclasses import dataclass

from modulith import event


@event("shop.{context}.thing.happened.v1", subject="thing_id")
@dataclass(frozen=True)
class ThingHappened:
    thing_id: str
"""

MODEL = """
from django.db import models


class Thing(models.Model):
    name = models.CharField(max_length=20)
"""


def violation(check_id: str) -> Callable[[Injection], Injection]:
    def register(inject: Injection) -> Injection:
        INJECTIONS[check_id] = inject
        return inject

    return register


def install_context(project: Project, name: str, modules: dict[str, str]) -> None:
    """A context named `name`, with an AppConfig, the given modules, and its INSTALLED_APPS line."""
    config = (
        "import modulith\n\n\n"
        f"class ProbeConfig(modulith.ContextConfig):\n"
        f'    name = "contexts.{name}"\n'
        f'    label = "{name}"\n'
    )
    project.package(f"contexts/{name}", {"apps": config, **modules})
    project.append(SETTINGS, f'INSTALLED_APPS.append("contexts.{name}")\n')


def a_context(project: Project, name: str, **modules: str) -> None:
    """A well-formed context (api and events present), plus `modules`."""
    install_context(project, name, {"api": "", "events": EVENT.format(context=name), **modules})


@violation("modulith.E001")
def an_event_field_retyped_to_float(project: Project) -> None:
    retyped = EVENT.format(context="probe_a") + (
        '\nThingHappened.__annotations__["thing_id"] = "float"\n'
    )
    install_context(project, "probe_a", {"api": "", "events": retyped})


@violation("modulith.E002")
def a_subscription_to_an_event_of_no_installed_context(project: Project) -> None:
    handlers = EVENT.format(context="ghost") + (
        "\nfrom modulith import subscribe\n\n\n"
        "@subscribe(ThingHappened)\n"
        "def on_ghost_thing_happened(event: ThingHappened) -> None:\n"
        "    pass\n"
    )
    a_context(project, "probe_a", handlers=handlers)


@violation("modulith.E003")
def a_handler_annotated_with_the_wrong_event_class(project: Project) -> None:
    handlers = (
        "from contexts.probe_a.events import ThingHappened\n"
        "from modulith import subscribe\n\n\n"
        "@subscribe(ThingHappened)\n"
        "def on_thing_happened(event: int) -> None:\n"
        "    pass\n"
    )
    a_context(project, "probe_a", handlers=handlers)


@violation("modulith.E004")
def a_context_without_an_api_module(project: Project) -> None:
    install_context(project, "probe_a", {"events": ""})


@violation("modulith.E005")
def a_context_model_routed_to_another_database(project: Project) -> None:
    router = (
        "class ElsewhereRouter:\n"
        "    def db_for_read(self, model, **hints):\n"
        '        return "elsewhere" if model._meta.app_label == "probe_a" else None\n\n'
        "    db_for_write = db_for_read\n"
    )
    a_context(project, "probe_a", models=MODEL, routing=router)
    project.append(
        SETTINGS,
        'DATABASES["elsewhere"] = dict(DATABASES["default"])\n'
        'DATABASE_ROUTERS = ["contexts.probe_a.routing.ElsewhereRouter", *DATABASE_ROUTERS]\n',
    )


@violation("modulith.E006")
def a_foreign_key_to_another_contexts_model_by_string(project: Project) -> None:
    a_context(project, "probe_a", models=MODEL)
    other = (
        "from django.db import models\n\n\n"
        "class Other(models.Model):\n"
        '    thing = models.ForeignKey("probe_a.Thing", on_delete=models.CASCADE)\n'
    )
    a_context(project, "probe_b", models=other)


@violation("modulith.E007")
def an_unknown_event_transport(project: Project) -> None:
    project.append(SETTINGS, 'MODULITH["EVENT_TRANSPORT"] = "carrier_pigeon"\n')


@violation("modulith.E008")
def a_context_database_alias_missing_from_databases(project: Project) -> None:
    project.append(
        SETTINGS,
        'MODULITH["CONTEXT_DATABASES"] = {**MODULITH["CONTEXT_DATABASES"], "probe_a": "nowhere"}\n',
    )


@violation("modulith.E009")
def an_inbox_kept_no_longer_than_the_outbox(project: Project) -> None:
    project.append(SETTINGS, 'MODULITH["INBOX_RETENTION"] = MODULITH["OUTBOX_RETENTION"]\n')


def declared_check_ids() -> set[str]:
    source = (ROOT / "src" / "modulith" / "checks.py").read_text(encoding="utf-8")
    return set(re.findall(r"""id=["'](modulith\.[EW]\d{3})["']""", source))


def reported_check_ids(output: str) -> set[str]:
    return set(re.findall(r"\((modulith\.[EW]\d{3})\)", output))


def test_every_system_check_has_a_violation_test() -> None:
    declared = declared_check_ids()

    untested = declared - INJECTIONS.keys()

    assert declared, "src/modulith/checks.py declares no check id"
    assert not untested, f"Add a violation test for each of these checks: {sorted(untested)}"


def test_every_system_check_names_its_rule_for_the_enforcement_page() -> None:
    from modulith.checks import CHECK_RULES

    assert declared_check_ids() == set(CHECK_RULES)


def test_the_project_as_it_stands_passes_the_system_checks(project: Project) -> None:
    result = project.manage("check", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr


def test_a_well_formed_probe_context_passes_the_system_checks(project: Project) -> None:
    a_context(project, "probe_a", models=MODEL)

    result = project.manage("check", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("check_id", sorted(INJECTIONS))
def test_a_violation_fails_the_system_check_that_names_it(project: Project, check_id: str) -> None:
    INJECTIONS[check_id](project)

    result = project.manage("check")

    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert check_id in reported_check_ids(output), output
    assert "HINT:" in output, output


@pytest.mark.parametrize("forbidden", ["bytes", "set[str]", "object"])
def test_an_event_field_of_a_forbidden_type_is_reported_by_e001_not_raised(
    project: Project, forbidden: str
) -> None:
    declared = EVENT.format(context="probe_a").replace("thing_id: str", f"thing_id: {forbidden}")
    install_context(project, "probe_a", {"api": "", "events": declared})

    result = project.manage("check")

    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert reported_check_ids(output) == {"modulith.E001"}, output
    assert "docs/rules.md#rule-11" in output, output
