"""Finance reports in a real browser: charts under the CSP, htmx filters, CSV link, cards."""

import re
from datetime import date, datetime

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def sales(make_customer, issue, pay, subscribe):
    """Invoices, a payment and services in the first quarter of 2026."""
    alpha, beta = make_customer("Alpha GmbH"), make_customer("Beta GmbH")
    pay(issue(alpha, date(2026, 1, 12), [(2, "50.00", None, None)]), "119.00", date(2026, 1, 20))
    issue(beta, date(2026, 2, 3), [(1, "80.00", "reduced", None)])
    issue(alpha, date(2026, 3, 9), [(1, "10.00", None, None)])
    subscribe(alpha, "49.90", datetime(2026, 1, 12, 9))
    subscribe(beta, "19.90", datetime(2026, 2, 3, 9), ended=datetime(2026, 3, 20, 9))


def test_a_filter_change_redraws_the_report_and_the_csv_link_follows(
    live_server, page, sign_in, page_problems, sales
):
    sign_in("accountant")
    page.goto("/reports/revenue?date_from=2026-01-01&date_to=2026-03-31")
    expect(page.locator("figure.chart svg")).to_be_visible()
    expect(page.locator("#report-result tbody tr")).to_have_count(3)
    page.get_by_label("Rows per").select_option("quarter")
    expect(page.locator("#report-result tbody tr")).to_have_count(1)
    expect(page.locator("#report-result tbody")).to_contain_text("2026 Q1")
    csv_link = page.get_by_role("link", name="CSV")
    expect(csv_link).to_have_attribute(
        "href",
        "/reports/revenue.csv?date_from=2026-01-01"
        "&date_to=2026-03-31&period=quarter&currency=EUR",
    )
    assert "period=quarter" in page.url
    assert page_problems.all() == []


def test_every_finance_report_draws_without_console_errors(
    live_server, page, sign_in, page_problems, sales
):
    sign_in("manager")
    for key in ("revenue-by-product", "revenue-by-customer", "mrr", "tax"):
        page.goto(f"/reports/{key}?date_from=2026-01-01&date_to=2026-03-31")
        expect(page.locator("#report-result table")).to_be_visible()
    page.goto("/reports/mrr?date_from=2026-01-01&date_to=2026-03-31")
    expect(page.locator("figure.chart")).to_have_count(2)  # MRR line and movement bars
    page.goto("/reports/receivables?date_to=2026-03-31")
    expect(page.get_by_label("As of")).to_have_value("2026-03-31")
    assert page_problems.all() == []


def test_a_dashboard_card_opens_its_report(live_server, page, sign_in, page_problems, sales):
    sign_in("accountant")
    page.goto("/")
    page.get_by_role("link", name="Outstanding receivables").click()
    expect(page).to_have_url(re.compile(r"/reports/receivables\?date_to=\d{4}-\d\d-\d\d$"))
    expect(page.get_by_role("heading", name="Receivables aging")).to_be_visible()
    assert page_problems.all() == []
