"""axe-core finds no serious accessibility problems on any argument-less page.

axe runs inside Chromium on the live pages (desktop and phone), so it sees the
real DOM: labels, contrast, landmarks, focusable scrollers, ARIA use.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.support import PHONE
from tests.browser.test_every_page import page_paths

pytestmark = pytest.mark.browser

SERIOUS = {"serious", "critical"}


@pytest.fixture(scope="module")
def axe():
    """axe-core, injected into each page it checks."""
    return Axe()


def serious_violations(axe, page) -> list[str]:
    """One line per serious or critical axe violation on the current page."""
    results = axe.run(page)
    return [
        f"{violation['id']}: {violation['help']} {[node['target'] for node in violation['nodes']][:3]}"
        for violation in results.response["violations"]
        if violation["impact"] in SERIOUS
    ]


def audit_pages(axe, page, paths) -> dict[str, list[str]]:
    found = {}
    for path in paths:
        page.goto(path)
        page.wait_for_load_state("load")
        # Judge colours once toasts have faded in, not half-transparent.
        expect(page.locator(".toast.showing, .modal.fade:not(.show).d-block")).to_have_count(0)
        problems = serious_violations(axe, page)
        if problems:
            found[path] = problems
    return found


def test_signed_in_pages_have_no_serious_accessibility_problems(axe, page, sign_in, live_server):
    sign_in("admin")
    assert audit_pages(axe, page, page_paths(live_server.app) + ["/no-such-page"]) == {}


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_pages_on_a_phone_have_no_serious_accessibility_problems(axe, page, sign_in, live_server):
    sign_in("admin")
    assert audit_pages(axe, page, page_paths(live_server.app)) == {}


def test_sign_in_page_has_no_serious_accessibility_problems(axe, page, live_server):
    assert audit_pages(axe, page, ["/login", "/password/forgot"]) == {}


def test_axe_does_report_a_serious_problem(axe, page, app, monkeypatch, live_server):
    from cloudmanager.core import permissions

    app.add_url_rule("/_test/unlabelled", "test_unlabelled", lambda: UNLABELLED)
    monkeypatch.setitem(permissions.ENDPOINTS, "test_unlabelled", permissions.PUBLIC)
    page.goto("/_test/unlabelled")
    assert any(line.startswith("label:") for line in serious_violations(axe, page))


UNLABELLED = """<!doctype html><html lang="en"><head><title>form</title></head>
<body><main><h1>Form</h1><form><input type="text" name="q"></form></main></body></html>"""
