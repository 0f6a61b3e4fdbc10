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
