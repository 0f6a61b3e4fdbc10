"""Pages open in Chromium without console errors, uncaught errors or CSP violations."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_dashboard_loads_its_assets_without_errors_or_csp_violations(page, page_problems, sign_in):
    sign_in("admin")
    response = page.goto("/")
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_contain_text("Good to see you")
    expect(page.locator("#sidebar")).to_contain_text("Dashboard")
    page.wait_for_load_state("load")
    assert page.evaluate("[typeof htmx, typeof bootstrap, typeof cmToast]") == [
        "object",
        "object",
        "function",
    ]
    assert page_problems.all() == []


def test_jobs_page_loads_without_errors_or_csp_violations(page, page_problems, sign_in):
    sign_in("admin")
    response = page.goto("/jobs")
    assert response.status == 200
    expect(page.get_by_role("heading", name="Failed background jobs")).to_be_visible()
    expect(page.get_by_text("No failed jobs")).to_be_visible()
    assert page_problems.all() == []


def test_not_found_page_is_styled_and_clean(page, page_problems, sign_in):
    sign_in("agent")
    response = page.goto("/no-such-page")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    # The 404 status of the page itself is what we asked for; anything else is a problem.
    problems = [line for line in page_problems.all() if "404 (NOT FOUND)" not in line.upper()]
    assert problems == []


def test_login_page_loads_without_errors_or_csp_violations(page, page_problems):
    response = page.goto("/login")
    assert response.status == 200
    assert page_problems.all() == []


def test_signed_out_visitor_is_sent_to_the_login_page(page, page_problems):
    page.goto("/")
    assert page.url.endswith("/login?next=/") or "/login" in page.url
    assert page_problems.all() == []


def test_sidebar_marks_the_current_page_and_groups_admin_entries(page, sign_in):
    sign_in("admin")
    page.goto("/jobs")
    current = page.locator("#sidebar a[aria-current='page']")
    expect(current).to_have_count(1)
    expect(current).to_contain_text("Background jobs")
    expect(page.locator("#sidebar")).to_contain_text("Administration")


def test_skip_link_is_first_on_the_page_and_moves_focus_to_the_content(page, sign_in):
    sign_in("admin")
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()


def test_user_menu_opens_by_keyboard_and_offers_sign_out(page, page_problems, sign_in):
    user = sign_in("manager")
    page.goto("/")
    toggle = page.get_by_role("button", name=f"Account menu for {user.name}")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    menu = page.locator(".user-menu")
    expect(menu).to_contain_text(user.email)
    expect(menu).to_contain_text("Manager")
    page.keyboard.press("ArrowDown")
    expect(menu.get_by_role("link", name="Account & security")).to_be_focused()
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    assert page_problems.all() == []
