"""Browser fixtures: Debian's headless Chromium, one context per actor, screenshots on failure.

Playwright never downloads a browser here: we drive /usr/bin/chromium. Without it the
browser tests skip outside CI and fail under CI=true (they must never silently skip there).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    StorageState,
    expect,
    sync_playwright,
)

from tests.support.server import ALICE, DEMO_PASSWORD, ServerProcess
from tests.support.services import IN_CI

CHROMIUM = os.environ.get("HOVOR_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Every expect() waits at most this long. Nothing sleeps a fixed time before an assertion;
# the only fixed waits are test_offers.py's bounded watches for an offer card that must
# not appear, after the server has recorded its decision.
TIMEOUT_MS = 10_000
expect.set_options(timeout=TIMEOUT_MS)

ContextFactory = Callable[..., BrowserContext]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="package")
def playwright_instance() -> Iterator[Playwright]:
    """Playwright's sync API, for the browser tests only.

    While it runs, its event loop counts as the thread's running loop, so pytest-asyncio
    tests cannot run. Hence package scope: it stops before any other package's tests. (The
    PostgreSQL databases of tests/conftest.py are made on a worker thread's own loop.)
    """
    if not Path(CHROMIUM).is_file():
        message = f"Chromium is not installed at {CHROMIUM}"
        if IN_CI:
            pytest.fail(f"{message}; under CI=true the browser tests must run")
        pytest.skip(message)
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="package")
def chromium(playwright_instance: Playwright) -> Iterator[Browser]:
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    try:
        yield browser
    finally:
        browser.close()


def _new_context(browser: Browser, **kwargs: Any) -> BrowserContext:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, **kwargs)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    return context


@pytest.fixture
def new_context(
    request: pytest.FixtureRequest, chromium: Browser, tmp_path: Path
) -> Iterator[ContextFactory]:
    """Make a fresh browser context (own cookies and localStorage) per actor.

    Pass ``storage_state`` to start signed in. If the test fails, every open page is
    screenshotted into the test's tmp dir and the paths are printed.
    """
    contexts: list[tuple[str, BrowserContext]] = []

    def make(name: str = "actor", **kwargs: Any) -> BrowserContext:
        context = _new_context(chromium, **kwargs)
        contexts.append((name, context))
        return context

    yield make

    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        for name, context in contexts:
            for i, page in enumerate(context.pages):
                path = tmp_path / f"{name}-{i}.png"
                try:
                    page.screenshot(path=str(path), full_page=True)
                    print(f"screenshot of {name} page {i} ({page.url}): {path}")
                except Exception as exc:  # the page may be gone; the failure itself matters more
                    print(f"no screenshot of {name} page {i}: {exc}")
    for _, context in contexts:
        context.close()


def log_in(page: Page, base_url: str, email: str, password: str) -> None:
    """Sign in through the desktop's login form."""
    page.goto(base_url + "/app/")
    page.get_by_test_id("login-email").fill(email)
    page.get_by_test_id("login-password").fill(password)
    page.get_by_test_id("login-submit").click()


@pytest.fixture(scope="module")
def alice_state(server: ServerProcess, chromium: Browser) -> StorageState:
    """Alice's signed-in cookies for this server, so most tests skip the login form.

    Signing in once per server keeps the suite fast and far from the log-in rate limit;
    the acceptance test and the login-error test still go through the form.
    """
    context = _new_context(chromium)
    try:
        page = context.new_page()
        log_in(page, server.base_url, ALICE, DEMO_PASSWORD)
        expect(page.get_by_test_id("presence-select")).to_be_visible()
        return context.storage_state()
    finally:
        context.close()
