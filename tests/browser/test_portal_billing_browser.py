"""The portal's billing side in a real browser: a customer signs in, opens an invoice and
downloads its PDF; orders from the catalog with live totals, and staff see the order pending.
Every portal page (lists and detail pages) opens cleanly and passes axe, on desktop and phone."""

from datetime import date
from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.support import DESKTOP, PHONE, session_cookie
from tests.browser.test_accessibility import serious_violations
from tests.browser.test_every_page import page_paths

pytestmark = pytest.mark.browser

PASSWORD = "harbour-lantern-violet-2026"


@pytest.fixture
def shop(db, make_user):
    """Nordlicht Hosting with a portal user (Ada), German VAT, two catalog products and an
    issued invoice (its PDF rendered by the job at the commit)."""
    from cloudmanager.auth.passwords import hash_password
    from cloudmanager.auth.services import new_session_stamp
    from cloudmanager.customers.models import Contact
    from cloudmanager.customers.services import create_customer
    from cloudmanager.invoices.drafts import create_draft
    from cloudmanager.invoices.issuing import issue_invoice
    from cloudmanager.portal.models import PortalUser
    from cloudmanager.products.models import TaxRate
    from cloudmanager.products.services import create_product

    admin = make_user("admin")
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
        by=admin,
    )
    contact = Contact(customer=customer, name="Ada Vogel", email="ada@nordlicht.example")
    user = PortalUser(
        contact=contact,
        email=contact.email,
        name=contact.name,
        password_hash=hash_password(PASSWORD),
        session_stamp=new_session_stamp(),
    )
    db.session.add_all([contact, user])
    common = {"currency": "EUR", "active": True, "visible_in_portal": True, "setup_fee": "0"}
    server = create_product(
        {
            **common,
            "sku": "CS-M",
            "name": "Cloud Server M",
            "kind": "recurring",
            "prices": {"monthly": "20.00", "annual": "200.00"},
            "setup_fee": "10.00",
        }
    )
    create_product({**common, "sku": "MIG", "name": "Migration", "kind": "one_off",
                    "prices": {}, "one_off_price": "390.00"})  # fmt: skip
    line = {"description": "Cloud Server M, November", "quantity": "2", "unit_price": "49.50"}
    invoice = create_draft(customer, {"lines": [line]}, by=admin)
    issue_invoice(invoice, by=admin)
    db.session.commit()
    return {"user": user, "invoice": invoice, "server": server}


def test_a_customer_signs_in_opens_an_invoice_and_downloads_its_pdf(
    live_server, page, page_problems, shop
):
    number = shop["invoice"].number
    page.goto("/portal/login")
    page.get_by_label("Email").fill("ada@nordlicht.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#panel-invoices")).to_contain_text(number)

    page.get_by_role("link", name="Invoices").first.click()
    page.get_by_role("link", name=number).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(number)
    expect(page.locator("#lines-table")).to_contain_text("Cloud Server M, November")
    expect(page.locator("#invoice-balance")).to_have_text("117.81 EUR")
    # ready at once without Redis; with a worker the page polls until the job stored it
    download_link = page.get_by_role("link", name="Download PDF")
    expect(download_link).to_be_visible(timeout=30_000)
    with page.expect_download() as info:
        download_link.click()
    download = info.value
    assert download.suggested_filename == f"{number}.pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(download.path()).pages)
    assert number in text and "117.81" in text
    assert page_problems.all() == []


def test_a_customer_orders_from_the_catalog_and_staff_see_it_pending(
    live_server, browser, page, page_problems, shop, make_user
):
    page.context.add_cookies([session_cookie(live_server.app, shop["user"], live_server.url)])
    page.goto("/portal/catalog")
    page.get_by_role("link", name="Order Cloud Server M").click()
    # monthly: 20.00 + 10.00 setup = 30.00 net, 35.70 with VAT
    expect(page.locator("#total-gross")).to_have_text("35.70 EUR")
    # The totals are rendered by the server; the live preview listens once htmx has loaded.
    page.wait_for_load_state("load")
    page.get_by_label("Billing cycle").select_option("annual")
    page.get_by_label("Quantity").fill("2")
    # 2 × 200.00 + 2 × 10.00 setup = 420.00 net, 499.80 with VAT
    expect(page.locator("#total-gross")).to_have_text("499.80 EUR")
    page.get_by_role("button", name="Place the order").click()
    expect(page.locator("#order-status")).to_have_text("Pending")
    order_number = page.get_by_role("heading", level=1).inner_text().split()[0]
    expect(page.locator("#order-total")).to_have_text("499.80 EUR")

    staff = browser.new_context(base_url=live_server.url)
    staff.add_cookies([session_cookie(live_server.app, make_user("manager"), live_server.url)])
    desk = staff.new_page()
    page_problems.watch(desk)
    desk.goto("/orders/?status=pending")
    desk.get_by_role("link", name=order_number).click()
    expect(desk.get_by_role("heading", level=1)).to_contain_text(order_number)
    expect(desk.locator("body")).to_contain_text("Placed on the customer portal by Ada Vogel")
    staff.close()
    assert page_problems.all() == []


@pytest.fixture
def portal_pages(shop, db):
    """Every portal page of Ada's: argument-less ones from the URL map, and detail pages."""
    from sqlalchemy import select

    from cloudmanager.orders.accept import accept_order
    from cloudmanager.orders.models import Order, Service
    from cloudmanager.orders.orders import create_order

    order = create_order(
        {
            "customer_id": str(shop["user"].customer_id),
            "lines": [{"product_id": str(shop["server"].id), "cycle": "monthly"}],
        },
        by=shop["user"],
    )
    accept_order(order, by=None)
    pending = create_order(
        {
            "customer_id": str(shop["user"].customer_id),
            "lines": [{"product_id": str(shop["server"].id), "cycle": "annual"}],
        },
        by=shop["user"],
    )
    db.session.commit()
    service = db.session.scalar(select(Service))
    assert db.session.scalar(select(Order.status).where(Order.id == pending.id)) == "pending"
    return [
        f"/portal/invoices/{shop['invoice'].id}",
        f"/portal/services/{service.id}",
        f"/portal/orders/{order.id}",
        f"/portal/orders/{pending.id}",
        f"/portal/order?product_id={shop['server'].id}",
    ]


def portal_paths(app) -> list[str]:
    """The portal's own argument-less pages (the staff walkers see them only signed out);
    a PDF download is not a page."""
    return [
        path
        for path in page_paths(app)
        if path.startswith("/portal/") and not path.endswith("/pdf")
    ]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_every_portal_page_opens_cleanly_and_passes_axe(
    live_server, page, page_problems, shop, portal_pages, viewport
):
    page.context.add_cookies([session_cookie(live_server.app, shop["user"], live_server.url)])
    page.emulate_media(reduced_motion="reduce")
    axe = Axe()
    paths = portal_paths(live_server.app) + portal_pages
    assert "/portal/invoices" in paths and "/portal/catalog" in paths
    failures = {}
    for path in paths:
        response = page.goto(path)
        page.wait_for_load_state("load")
        problems = list(page_problems.all())
        if response is None or response.status >= 400:
            problems.append(f"status {response.status if response else 'none'}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > viewport["width"]:
            problems.append(f"page is {width}px wide in a {viewport['width']}px window")
        problems += serious_violations(axe, page)
        if problems:
            failures[path] = problems
        page_problems.clear()
    assert failures == {}
