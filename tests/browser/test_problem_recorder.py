"""The `page` fixture really notices CSP violations and console errors.

Without this, the "no problems" assertions of the other browser tests could
pass because nothing was listening.
"""

import pytest

from cloudmanager.core import permissions

pytestmark = pytest.mark.browser

INLINE_CODE = """<!doctype html><html><head><title>bad</title>
<style>body { color: red; }</style></head>
<body><p>inline</p><script>document.title = "ran";</script>
<script src="/static/js/no-such-file.js"></script></body></html>"""


@pytest.fixture
def bad_page(app, monkeypatch):
    """A page breaking our CSP with an inline style and script, and a missing script."""
    app.add_url_rule("/_test/bad", "test_bad", lambda: INLINE_CODE)
    monkeypatch.setitem(permissions.ENDPOINTS, "test_bad", permissions.PUBLIC)


def test_inline_script_and_style_are_reported_as_csp_violations(page, page_problems, bad_page):
    page.goto("/_test/bad")
    page.wait_for_load_state("load")
    directives = {report["directive"] for report in page_problems.csp_violations}
    assert {"script-src-elem", "style-src-elem"} <= directives
    assert page.title() == "bad"  # the inline script was blocked


def test_failed_resource_is_reported_as_a_console_error(page, page_problems, bad_page):
    page.goto("/_test/bad")
    page.wait_for_load_state("load")
    assert any("404" in line for line in page_problems.console_errors)
