"""Browser fixtures: a live server sharing the test database, Chromium, signed-in pages.

Browser tests are marked `@pytest.mark.browser`. They need Debian's Chromium
at /usr/bin/chromium: without it they are skipped, except under CI (the CI
variable is set), where a missing browser fails the run loudly.
"""

import os

import pytest

from tests.browser.support import CHROMIUM, DESKTOP, PageProblems, launch_chromium, serve
from tests.browser.support import session_cookie


@pytest.fixture(scope="session")
def chromium_path():
    """The system Chromium; never a browser downloaded by Playwright."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium package"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture(scope="session")
def playwright_driver(chromium_path):
    """Playwright's sync API for the whole run.

    Assertions wait up to 15 s instead of 5: with the suite in parallel processes
    on a small CI machine, a click that issues an invoice can take seconds.
    """
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=15_000)
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright_driver):
    """One headless Chromium for the run; each test gets its own context."""
    chromium = launch_chromium(playwright_driver)
    yield chromium
    chromium.close()


@pytest.fixture
def live_server(app):
    """The app served over HTTP on a free 127.0.0.1 port, on the test database."""
    with serve(app) as server:
        yield server


@pytest.fixture
def viewport():
    """The window size of the test's browser context (override per test module)."""
    return DESKTOP


@pytest.fixture
def context(browser, live_server, viewport):
    """A fresh browser context (cookies, storage) pointed at the live server."""
    ctx = browser.new_context(base_url=live_server.url, viewport=viewport)
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page_problems():
    """Console errors, page errors and CSP violations seen by `page`."""
    return PageProblems()


@pytest.fixture
def page(context, page_problems):
    """A page that records its console errors, uncaught errors and CSP violations."""
    new_page = context.new_page()
    page_problems.watch(new_page)
    yield new_page
    new_page.close()


@pytest.fixture
def sign_in(context, live_server, make_user):
    """`sign_in("admin")` or `sign_in(user)`: the browser context is signed in as that user."""

    def sign_in_as(role_or_user="admin"):
        user = make_user(role_or_user) if isinstance(role_or_user, str) else role_or_user
        context.add_cookies([session_cookie(live_server.app, user, live_server.url)])
        return user

    return sign_in_as
