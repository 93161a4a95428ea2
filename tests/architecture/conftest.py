"""Fixtures of the architecture tests: copies of the project to inject violations into."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.architecture.project_copy import ProjectCopy


@pytest.fixture(scope="module")
def project_copy(tmp_path_factory: pytest.TempPathFactory) -> ProjectCopy:
    """One copy per test module: copying is the slow part, undoing an injection is not."""
    return ProjectCopy.make(tmp_path_factory.mktemp("project"))


@pytest.fixture
def project(project_copy: ProjectCopy) -> Iterator[ProjectCopy]:
    """The module's copy, with whatever a test injected undone afterwards."""
    yield project_copy
    project_copy.restore()
