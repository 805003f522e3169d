"""Browser tests: the bundled plans served by the real server, driven in headless Chromium.

The browser is Debian's ``chromium`` (``apt-get install chromium``), launched by
Playwright through its executable path: ``playwright install`` is never needed.
Each test gets its own browser context and a :class:`Visit` that screenshots every
step into ``test-artifacts/screenshots/`` and fails the test on any console error
or uncaught exception of the pages it opened.
"""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tests.browser.visit import SCREENSHOTS, Visit, missing, slug
from tests.support.server import free_port, running_server
from tests.support.versions import publish_versions

if TYPE_CHECKING:
    from playwright.sync_api import Browser

    from tests.conftest import BundledBuild

DESKTOP = {"width": 1280, "height": 800}
_CALL_FAILED = pytest.StashKey[bool]()  # whether the test itself failed (not its fixtures)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "viewport(width, height): the browser viewport of the test (a phone's)"
    )
    config.addinivalue_line(
        "markers", "color_scheme(scheme): the colour scheme the browser prefers (light, dark)"
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    # the Visit fixture screenshots the page of a failed test at teardown
    report = yield
    if report.when == "call":
        item.stash[_CALL_FAILED] = report.failed
    return report


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if importlib.util.find_spec("playwright") is None:
        missing("the playwright package")
    executable = shutil.which("chromium")
    if executable is None:
        missing("chromium")
    return executable


@pytest.fixture(scope="package")
def site_url(chromium_path: str, bundled_build: BundledBuild) -> Iterator[str]:
    """The root URL of the real server serving the session's build of the bundled plans.

    Needs the browser first: no build when the tests cannot run.
    """
    with running_server(bundled_build.store, bundled_build.port) as base:
        yield base


@pytest.fixture(scope="package")
def versioned_site_url(
    chromium_path: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The root URL of a server serving a plan published in three versions (the fixture
    of tests/test_versions.py, built once, with ``lodplan build --as-new-version``): the
    pages of plans over time, which no bundled plan has. Started by the first test that
    asks for it."""
    port = free_port()
    tmp = tmp_path_factory.mktemp("versioned")
    publish_versions(tmp / "store", f"http://127.0.0.1:{port}/", tmp)
    with running_server(tmp / "store", port) as base:
        yield base


@pytest.fixture(scope="package")
def browser(chromium_path: str) -> Iterator[Browser]:
    """Headless Chromium for the tests of this folder."""
    # not session-wide: a Playwright left running stops any later test from starting its
    # own (the sync API allows one event loop per thread)
    from playwright.sync_api import sync_playwright  # present: checked by chromium_path

    shutil.rmtree(SCREENSHOTS, ignore_errors=True)  # this run's screenshots only
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def visit(site_url: str, browser: Browser, request: pytest.FixtureRequest) -> Iterator[Visit]:
    """A fresh browser context on the served site; fails the test on console errors.

    The server comes before the browser, so the browser closes first at the end of the
    session and the server does not wait for its kept-alive connections.
    """
    marker = request.node.get_closest_marker("viewport")
    scheme = request.node.get_closest_marker("color_scheme")
    options = {"color_scheme": scheme.args[0]} if scheme else {}
    if marker:
        width, height = marker.args
        context = browser.new_context(
            viewport={"width": width, "height": height}, is_mobile=True, has_touch=True, **options
        )
    else:
        context = browser.new_context(viewport=DESKTOP, **options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    current = Visit(page, site_url, slug(request.node.name))
    page.on("console", current.on_console)
    page.on("pageerror", current.on_page_error)
    try:
        yield current
        if request.node.stash.get(_CALL_FAILED, False):
            current.shot("failure")
    finally:
        context.close()
    assert not current.errors, "the pages reported errors:\n" + "\n".join(current.errors)
