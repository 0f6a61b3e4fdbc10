"""Invoices in a real browser: draft with live totals, issue, partial then full payment, PDF."""

from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def billing_customer(db, users):
    """A German business customer and German VAT rates."""
    from cloudmanager.customers.services import create_customer
    from cloudmanager.products.models import TaxRate

    db.session.add_all(
        [
            TaxRate(name="VAT", country="DE", percent=Decimal("19"), valid_from=date(2020, 1, 1)),
            TaxRate(
                name="Reduced", country="DE", percent=Decimal("7"), valid_from=date(2020, 1, 1)
            ),
        ]
    )
    customer = create_customer(
        {
            "kind": "company",
            "name": "Nordlicht Hosting GmbH",
            "email": "billing@nordlicht.example",
            "country": "DE",
            "currency": "EUR",
            "payment_terms_days": "14",
            "address_line1": "Hafenstraße 5",
            "postcode": "20457",
            "city": "Hamburg",
        },
        by=users["admin"],
    )
    db.session.commit()
    return customer


def test_draft_issue_pay_partially_then_fully_and_download_the_pdf(
    live_server, page, sign_in, page_problems, billing_customer
):
    sign_in("accountant")
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto("/invoices/new")
    page.get_by_label("Customer").select_option(str(billing_customer.id))
    page.locator("[name=lines-0-description]").fill("Cloud Server M (November)")
    page.locator("[name=lines-0-quantity]").fill("2")
    page.locator("[name=lines-0-unit_price]").fill("49.50")
    expect(page.locator("#total-gross")).to_have_text("117.81 EUR")
    page.get_by_role("button", name="Add line").click()
    rows = page.locator("#editor-lines tr")
    expect(rows).to_have_count(2)
    rows.nth(1).locator("textarea").fill("Backup storage")
    rows.nth(1).get_by_label("Unit price").fill("10")
    expect(page.locator("#total-net")).to_have_text("109.00 EUR")
    expect(page.locator("#total-gross")).to_have_text("129.71 EUR")
    page.get_by_role("button", name="Save draft").click()

    expect(page.locator("#invoice-status")).to_have_text("Draft")
    page.get_by_role("button", name="Issue").click()
    expect(page.locator("#invoice-status")).to_have_text("Issued")
    number = page.get_by_role("heading", level=1).inner_text().split()[0]
    assert number.startswith("INV-")

    page.get_by_role("link", name="Record payment").click()
    page.get_by_label("Amount").fill("50.00")
    page.get_by_label("Reference").fill("SEPA-0001")
    page.get_by_role("button", name="Record payment").click()
    expect(page.locator("#invoice-status")).to_have_text("Partially paid")
    expect(page.locator("#invoice-balance")).to_have_text("79.71 EUR")

    page.get_by_role("link", name="Record payment").click()
    expect(page.get_by_label("Amount")).to_have_value("79.71")
    page.get_by_label("Reference").fill("SEPA-0002")
    page.get_by_role("button", name="Record payment").click()
    expect(page.locator("#invoice-status")).to_have_text("Paid")

    page.reload()
    with page.expect_download() as info:
        page.locator("#download-pdf").click()
    download = info.value
    assert download.suggested_filename == f"{number}.pdf"
    with open(download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert page_problems.all() == []
