"""Every page without URL arguments opens cleanly in Chromium, on desktop and phone.

The routes come from the app's URL map, so pages added by later domains are
checked too: no console errors, no uncaught errors, no CSP violations, and
nothing wider than a phone's screen.
"""

import pytest

from cloudmanager.core.permissions import API, ENDPOINTS
from tests.browser.support import PHONE

pytestmark = pytest.mark.browser

SKIP_ENDPOINTS = {"static", "dashboard.healthz"}


def page_paths(app) -> list[str]:
    """GET routes without arguments that answer HTML to a signed-in admin."""
    paths = set()
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.arguments or rule.endpoint in SKIP_ENDPOINTS:
            continue
        if getattr(app.view_functions[rule.endpoint], "htmx_only", False):
            continue  # a fragment, not a page
        if ENDPOINTS.get(rule.endpoint) in (None, API) or rule.rule.startswith("/api/"):
            continue
        if rule.rule.endswith((".svg", ".png", ".pdf", ".json", ".csv")):
            continue
        paths.add(rule.rule)
    return sorted(paths)


def visit_all(page, page_problems, live_server) -> dict[str, list[str]]:
    failures = {}
    for path in page_paths(live_server.app):
        response = page.goto(path)
        page.wait_for_load_state("load")
        problems = list(page_problems.all())
        if response is None or response.status >= 500:
            problems.append(f"status {response.status if response else 'none'}")
        width = page.evaluate("document.documentElement.scrollWidth")
        viewport = page.viewport_size["width"]
        if width > viewport:
            problems.append(f"page is {width}px wide in a {viewport}px window")
        if problems:
            failures[path] = problems
        page_problems.clear()
    return failures


def test_every_page_opens_cleanly_on_desktop(page, page_problems, sign_in, live_server):
    sign_in("admin")
    assert "/" in page_paths(live_server.app)
    assert visit_all(page, page_problems, live_server) == {}


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_every_page_opens_cleanly_on_a_phone(page, page_problems, sign_in, live_server):
    sign_in("admin")
    assert visit_all(page, page_problems, live_server) == {}


def test_public_pages_open_cleanly_when_signed_out(page, page_problems, live_server):
    public = [p for p in page_paths(live_server.app) if p.startswith(("/login", "/password"))]
    assert public
    for path in public:
        page.goto(path)
        page.wait_for_load_state("load")
    assert page_problems.all() == []
