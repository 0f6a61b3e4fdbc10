"""On a phone the sidebar becomes an offcanvas menu that works by keyboard."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.support import PHONE

pytestmark = pytest.mark.browser


@pytest.fixture
def viewport():
    """An iPhone-sized window."""
    return PHONE


def test_phone_hides_the_sidebar_behind_a_toggle(page, page_problems, sign_in):
    sign_in("admin")
    page.goto("/")
    expect(page.get_by_role("button", name="Open navigation")).to_be_visible()
    expect(page.locator("#sidebar")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page_problems.all() == []


def test_phone_sidebar_opens_and_closes_by_keyboard(page, page_problems, sign_in):
    sign_in("admin")
    page.goto("/")
    toggle = page.get_by_role("button", name="Open navigation")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")
    expect(toggle).to_be_focused()
    page.keyboard.press("Enter")
    sidebar = page.locator("#sidebar")
    expect(sidebar).to_be_visible()
    expect(sidebar).to_have_class(re.compile(r"\bshow\b"))
    expect(sidebar.get_by_role("link", name="Dashboard")).to_be_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('sidebar').contains(document.activeElement)")
    page.keyboard.press("Escape")
    expect(sidebar).to_be_hidden()
    expect(toggle).to_be_focused()
    assert page_problems.all() == []


WIDE_TABLE = """{% extends "layouts/app.html" %}{% block content %}
<div class="card"><div class="table-responsive"><table class="table">
<caption class="visually-hidden">Invoices</caption>
<thead><tr>{% for n in range(8) %}<th class="text-nowrap">Column number {{ n }}</th>{% endfor %}</tr></thead>
<tbody><tr>{% for n in range(8) %}<td class="text-nowrap">A long cell value {{ n }}</td>{% endfor %}</tr></tbody>
</table></div></div>{% endblock %}"""


def test_a_table_too_wide_for_the_phone_scrolls_and_can_be_scrolled_by_keyboard(
    app, monkeypatch, page, page_problems, sign_in
):
    from flask import render_template_string

    from cloudmanager.core import permissions

    app.add_url_rule("/_test/wide", "test_wide", lambda: render_template_string(WIDE_TABLE))
    monkeypatch.setitem(permissions.ENDPOINTS, "test_wide", "dashboard.view")
    sign_in("agent")
    page.goto("/_test/wide")
    scroller = page.locator(".table-responsive")
    expect(scroller).to_have_attribute("tabindex", "0")
    expect(scroller).to_have_attribute("role", "region")
    expect(scroller).to_have_attribute("aria-label", "Invoices")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    scroller.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(200)
    assert scroller.evaluate("node => node.scrollLeft") > 0
    assert page_problems.all() == []
