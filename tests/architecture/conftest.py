"""Fixtures of the architecture tests: copies of the project to inject violations into."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.architecture.project import Project


@pytest.fixture(scope="module")
def project_copy(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """One copy per test module: copying is the slow part, undoing an injection is not."""
    return Project.copy(tmp_path_factory.mktemp("project"))


@pytest.fixture
def project(project_copy: Project) -> Iterator[Project]:
    """The module's copy, with whatever a test injected undone afterwards."""
    yield project_copy
    project_copy.restore()
