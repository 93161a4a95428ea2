"""A real headless browser: Debian's chromium driven by Playwright, against pytest-django's live
server. Playwright's own browser downloads are never used (`playwright install` is not needed).

Every request the page makes is recorded; one that leaves this machine is aborted and reported
(`offsite`), so a test can assert that a page works offline. Screenshots go to
SCREENSHOT_DIR (default var/screenshots/; `make screenshots` writes them there).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.db import connections
from playwright.sync_api import Page, Route, sync_playwright
from pytest_django.live_server_helper import LiveServer

from tests.support.services import require_chromium, require_postgres
from tests.support.suites import mark_suite

ROOT = Path(__file__).resolve().parents[2]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
# No sandbox (containers and CI run as root), no GPU, and none of the browser's own background
# traffic (updates, safe browsing), which would count as requests leaving the machine.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@dataclass
class Browsing:
    page: Page
    base_url: str
    offsite: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def screenshot(self, name: str) -> Path:
        directory = Path(os.environ.get("SCREENSHOT_DIR", ROOT / "var" / "screenshots"))
        directory.mkdir(parents=True, exist_ok=True)
        target = directory / f"{name}.png"
        self.page.screenshot(path=str(target), full_page=True)
        return target


@pytest.fixture
def browsing(live_server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[Browsing]:
    # The slow kind of test: it runs in the PostgreSQL pass of `make test` only.
    require_postgres()
    executable = require_chromium()

    # Playwright's sync API keeps an event loop in this thread; the ORM calls a test makes
    # between page actions are still plain synchronous calls.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    # The live server's request threads close their database connection after each request, so
    # none outlives the test (a browser keeps its HTTP connections, and those threads, open).
    for alias in connections:
        monkeypatch.setitem(connections.settings[alias], "CONN_MAX_AGE", 0)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        session = Browsing(page=page, base_url=live_server.url)

        def guard(route: Route) -> None:
            url = route.request.url
            session.requests.append(url)
            if urlparse(url).hostname in LOCAL_HOSTS or url.startswith(("data:", "blob:")):
                route.continue_()
            else:
                session.offsite.append(url)
                route.abort()

        page.route("**/*", guard)
        try:
            yield session
        finally:
            # While Playwright runs, Django keeps the ORM calls of the test in a connection of
            # their own (its connections are per context); close it, or it would keep the test
            # database from being dropped at the end of the run.
            connections.close_all()
            browser.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Every test here starts processes or servers: the suite is slow, and make test-fast skips it.
    mark_suite(items, Path(__file__).parent, pytest.mark.slow)
