"""Orders in a real browser: build an order with two products, accept it, see services and invoice."""

from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def shop(db, users):
    """A German business customer, German VAT, a server plan and a one-off migration."""
    from cloudmanager.customers.services import create_customer
    from cloudmanager.products.models import TaxRate
    from cloudmanager.products.services import create_product

    rate = TaxRate(name="VAT", country="DE", percent=Decimal("19"), valid_from=date(2020, 1, 1))
    rate.is_default = True
    db.session.add(rate)
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
    common = {"currency": "EUR", "active": True, "visible_in_portal": True, "stock": None}
    server = create_product(
        {
            **common,
            "sku": "CS-M",
            "name": "Cloud Server M",
            "kind": "recurring",
            "prices": {"monthly": "20.00"},
            "setup_fee": "10.00",
            "support_tier": "basic",
        }
    )
    migration = create_product(
        {
            **common,
            "sku": "MIG",
            "name": "Migration",
            "kind": "one_off",
            "prices": {},
            "one_off_price": "50.00",
            "setup_fee": "0",
        }
    )
    db.session.commit()
    return customer, server, migration


def test_build_an_order_with_two_products_accept_it_and_see_services_and_invoice(
    live_server, page, sign_in, page_problems, shop
):
    customer, server, migration = shop
    sign_in("manager")
    page.goto("/orders/new")
    page.get_by_label("Customer").select_option(str(customer.id))
    page.locator("[name=lines-0-product]").select_option(f"{server.id}:monthly")
    page.locator("[name=lines-0-quantity]").fill("2")
    # 2 × 20.00 + 2 × 10.00 setup = 60.00 net, 11.40 VAT
    expect(page.locator("#total-gross")).to_have_text("71.40 EUR")
    page.get_by_role("button", name="Add product").click()
    rows = page.locator("#editor-lines tr")
    expect(rows).to_have_count(2)
    rows.nth(1).get_by_label("Product").select_option(f"{migration.id}:one_off")
    expect(page.locator("#total-net")).to_have_text("110.00 EUR")
    expect(page.locator("#total-gross")).to_have_text("130.90 EUR")
    page.get_by_role("button", name="Save order").click()

    expect(page.locator("#order-status")).to_have_text("Pending")
    page.wait_for_load_state("load")  # the order page's scripts (htmx, the dialog) have run
    page.locator("#accept-order button").click()
    page.locator("#confirm-dialog [data-confirm-accept]").click()
    expect(page.locator("#order-status")).to_have_text("Accepted")
    invoice_link = page.locator("#order-invoice")
    expect(invoice_link).to_contain_text("INV-")
    services = page.locator("#order-services tbody tr")
    expect(services).to_have_count(1)
    expect(services.first).to_contain_text("Cloud Server M")
    expect(services.first).to_contain_text("Pending")

    invoice_link.click()
    expect(page.locator("#invoice-status")).to_have_text("Issued")
    expect(page.locator("#lines-table")).to_contain_text("Setup fee: Cloud Server M")
    expect(page.locator("#lines-table")).to_contain_text("Migration")
    page.goto("/services/")
    expect(page.locator("#service-table")).to_contain_text("Nordlicht Hosting GmbH")
    assert page_problems.all() == []
