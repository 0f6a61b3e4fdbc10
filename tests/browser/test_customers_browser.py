"""Customers in a real browser: live search narrows the table; a bad email is fixed and saved.

Uses the browser fixtures of tests/browser/conftest.py (`live_server`, `page`,
`sign_in`); `signed_in_page(role)` is defined here on top of them.
"""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def signed_in_page(page, sign_in):
    """`signed_in_page("manager")`: the test's page, signed in as a new user of that role."""

    def open_as(role: str):
        sign_in(role)
        return page

    return open_as


@pytest.fixture
def some_customers(db, users):
    """Three customers, one found only through its contact's email."""
    from cloudmanager.customers.contacts import add_contact
    from cloudmanager.customers.services import create_customer

    base = {"country": "DE", "currency": "EUR", "payment_terms_days": "14", "kind": "company"}
    names = ["Nordlicht Hosting", "Alpenblick Tourismus", "Tulipa Webdesign"]
    made = [
        create_customer({**base, "name": name, "email": f"c{i}@example.com"}, by=users["admin"])
        for i, name in enumerate(names)
    ]
    add_contact(made[2], {"name": "Sanne de Vries", "email": "sanne@tulipa.example"}, by=None)
    db.session.commit()
    return made


def test_typing_in_live_search_narrows_the_table(
    live_server, signed_in_page, page_problems, some_customers
):
    page = signed_in_page("agent")
    page.goto("/customers/")
    rows = page.locator("#customer-table tbody tr")
    expect(rows).to_have_count(3)
    page.get_by_label("Search").press_sequentially("alpen", delay=50)
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Alpenblick Tourismus")
    expect(page).to_have_url(re.compile(r"/customers/\?q=alpen&"))
    page.reload()
    expect(rows).to_have_count(1)  # the pushed URL keeps the search
    expect(page.get_by_label("Search")).to_have_value("alpen")
    page.get_by_label("Search").fill("sanne@tulipa")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Tulipa Webdesign")
    assert page_problems.all() == []


def test_search_results_come_newest_first_and_a_chosen_order_stays_while_typing(
    live_server, signed_in_page, page_problems, some_customers
):
    page = signed_in_page("agent")
    page.goto("/customers/")
    names = page.locator("#customer-table tbody tr td:nth-child(2) a")
    expect(names).to_have_text(["Alpenblick Tourismus", "Nordlicht Hosting", "Tulipa Webdesign"])
    # One input event, one request: a second one landing after the click below would
    # replace the table it asked for (seen on a slow machine).
    page.get_by_label("Search").fill("example")
    expect(page.locator("#customer-results")).to_contain_text("newest first")
    expect(names).to_have_text(["Tulipa Webdesign", "Alpenblick Tourismus", "Nordlicht Hosting"])
    expect(page.locator(".htmx-request")).to_have_count(0)
    swaps = []
    page.on("request", lambda request: request.headers.get("hx-request") and swaps.append(request))
    page.get_by_role("link", name="Name").click()
    expect(names).to_have_text(["Alpenblick Tourismus", "Nordlicht Hosting", "Tulipa Webdesign"])
    # Leaving the search box sends nothing: such a request's pushed URL could cancel the
    # click's navigation (seen in CI: the table stayed newest first).
    assert swaps == []
    page.get_by_label("Search").fill("example.com")
    expect(page).to_have_url(re.compile(r"q=example\.com"))
    expect(names).to_have_text(["Alpenblick Tourismus", "Nordlicht Hosting", "Tulipa Webdesign"])
    expect(page.locator("#customer-results")).not_to_contain_text("newest first")
    assert page_problems.all() == []


def test_invalid_email_shows_an_error_then_saves_when_fixed(
    live_server, signed_in_page, page_problems
):
    page = signed_in_page("manager")
    page.goto("/customers/new")
    page.get_by_label("Name").fill("Brauerei Falkenberg KG")
    page.get_by_label("Email").fill("buchhaltung-at-falkenberg")
    page.get_by_label("Country").select_option("DE")
    page.get_by_role("button", name="Save customer").click()
    error = page.locator("#email-error")
    expect(error).to_contain_text("valid email")
    expect(page.get_by_label("Email")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Name")).to_have_value("Brauerei Falkenberg KG")

    page.get_by_label("Email").fill("buchhaltung@falkenberg.example")
    page.get_by_role("button", name="Save customer").click()
    expect(page).to_have_url(f"{live_server.url}/customers/1")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Brauerei Falkenberg KG")
    expect(page.locator("#timeline")).to_contain_text("Customer created")
    # Chromium logs the expected 422 as a failed resource; anything else is a problem.
    assert [p for p in page_problems.all() if "status of 422" not in p] == []
