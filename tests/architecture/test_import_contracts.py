"""Every import contract in importlinter.ini is live: a violation injected into a copy of the
project breaks that contract, and only that one.

The violations live in throwaway packages (contexts/probe_*), so they do not depend on what the
real contexts contain today.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.architecture.project import ROOT, Project, contract_names

Injection = Callable[[Project], None]
# contract id → a function injecting one violation of it
INJECTIONS: dict[str, Injection] = {}


def violation(contract_id: str) -> Callable[[Injection], Injection]:
    def register(inject: Injection) -> Injection:
        INJECTIONS[contract_id] = inject
        return inject

    return register


@violation("modulith-is-context-agnostic")
def modulith_imports_a_context(project: Project) -> None:
    project.write("src/modulith/probe_violation.py", "import contexts\n")


@violation("kernel-layers")
def the_context_registry_imports_the_event_kernel_above_it(project: Project) -> None:
    project.write(
        "src/modulith/contexts/probe_violation.py", "from modulith.events import delivery\n"
    )


@violation("contexts-never-import-config")
def a_context_imports_config(project: Project) -> None:
    project.package("contexts/probe_a", {"services": "import config\n"})


@violation("contexts-talk-through-api-and-events")
def a_context_imports_another_contexts_models(project: Project) -> None:
    project.package("contexts/probe_a", {"services": "from contexts.probe_b import models\n"})
    project.package("contexts/probe_b", {"models": ""})


@violation("context-api-calls-form-a-dag")
def two_contexts_call_each_others_api(project: Project) -> None:
    project.package(
        "contexts/probe_a", {"api": "", "services": "from contexts.probe_b import api\n"}
    )
    project.package(
        "contexts/probe_b", {"api": "", "handlers": "from contexts.probe_a import api\n"}
    )


@violation("context-layers")
def models_import_services(project: Project) -> None:
    project.package(
        "contexts/probe_a", {"models": "from contexts.probe_a import services\n", "services": ""}
    )


@violation("only-identity-touches-users")
def a_context_other_than_identity_reads_users(project: Project) -> None:
    project.package(
        "contexts/probe_a", {"selectors": "from django.contrib.auth import get_user_model\n"}
    )


@violation("no-model-signals")
def a_context_connects_a_post_save_receiver(project: Project) -> None:
    project.package(
        "contexts/probe_a", {"handlers": "from django.db.models.signals import post_save\n"}
    )


@violation("no-raw-sql")
def a_context_opens_a_database_cursor(project: Project) -> None:
    project.package("contexts/probe_a", {"selectors": "from django.db import connection\n"})


def test_every_contract_has_a_violation_test() -> None:
    contracts = set(contract_names(ROOT / "importlinter.ini"))

    untested = contracts - INJECTIONS.keys()

    assert not untested, f"Add a violation test for each of these contracts: {sorted(untested)}"


def test_the_project_as_it_stands_keeps_every_contract(project: Project) -> None:
    result = project.lint_imports()

    assert result.process.returncode == 0, result.output
    assert result.broken == set()


@pytest.mark.parametrize("contract_id", sorted(INJECTIONS))
def test_a_violation_breaks_its_contract_and_only_it(project: Project, contract_id: str) -> None:
    INJECTIONS[contract_id](project)

    result = project.lint_imports()

    assert result.process.returncode != 0, result.output
    assert result.broken == {contract_id}, result.output


def test_a_context_may_call_another_contexts_api_and_both_may_exchange_events(
    project: Project,
) -> None:
    project.package(
        "contexts/probe_a",
        {"api": "", "events": "", "services": "from contexts.probe_b import api\n"},
    )
    project.package(
        "contexts/probe_b",
        {"api": "", "events": "", "handlers": "from contexts.probe_a import events\n"},
    )

    result = project.lint_imports()

    assert result.broken == set(), result.output


def test_a_selector_that_calls_a_service_breaks_the_layers(project: Project) -> None:
    project.package(
        "contexts/probe_a", {"selectors": "from contexts.probe_a import services\n", "services": ""}
    )

    result = project.lint_imports()

    assert result.broken == {"context-layers"}, result.output


def test_a_selector_that_imports_its_own_api_breaks_the_layers(project: Project) -> None:
    project.package(
        "contexts/probe_a",
        {"selectors": "from contexts.probe_a.api import ProbeDTO\n", "api": "ProbeDTO = object\n"},
    )

    result = project.lint_imports()

    assert result.broken == {"context-layers"}, result.output


def test_the_api_maps_what_selectors_return_and_rest_calls_the_api(project: Project) -> None:
    project.package(
        "contexts/probe_a",
        {
            "rest": "from contexts.probe_a import api\n",
            "api": "from contexts.probe_a import selectors, services\n",
            "services": "from contexts.probe_a import selectors\n",
            "selectors": "",
        },
    )

    result = project.lint_imports()

    assert result.broken == set(), result.output


def test_a_broken_contract_says_which_rule_and_how_to_fix_it(project: Project) -> None:
    a_context_imports_another_contexts_models(project)

    result = project.lint_imports()

    assert "Rule 1 (docs/rules.md#rule-1)" in result.output
    assert "Fix:" in result.output


def record_known_violation(project: Project, contract_id: str, entry: str) -> None:
    config = (project.root / "importlinter.ini").read_text(encoding="utf-8")
    section = f"[importlinter:contract:{contract_id}]\n"
    recorded = f"ignore_imports =\n    # reason: a test records it.\n    {entry}\n"
    project.write("importlinter.ini", config.replace(section, section + recorded))


def test_a_recorded_violation_keeps_the_contract(project: Project) -> None:
    models_import_services(project)
    record_known_violation(
        project, "context-layers", "contexts.probe_a.models -> contexts.probe_a.services"
    )

    result = project.lint_imports()

    assert result.process.returncode == 0, result.output


def test_a_record_that_outlived_its_violation_fails_the_lint(project: Project) -> None:
    project.package("contexts/probe_a", {"models": "", "services": ""})
    record_known_violation(
        project, "context-layers", "contexts.probe_a.models -> contexts.probe_a.services"
    )

    result = project.lint_imports()

    assert result.process.returncode != 0, result.output
    assert "contexts.probe_a.models -> contexts.probe_a.services" in result.output
