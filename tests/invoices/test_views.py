"""The invoice pages: permissions per role, the editor and its preview, actions, list and CSV."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from cloudmanager.core.permissions import ENDPOINTS, PERMISSIONS, ROLES
from cloudmanager.invoices.models import Invoice
from tests.invoices.conftest import line

HX = {"HX-Request": "true"}


def invoice_routes(app, invoice_id, note_id, customer_id):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("invoices."):
            url = rule.rule.replace("<int:invoice_id>", str(invoice_id))
            url = url.replace("<int:note_id>", str(note_id))
            url = url.replace("<int:customer_id>", str(customer_id))
            yield rule.endpoint, url, sorted(rule.methods - {"HEAD", "OPTIONS"})


@pytest.mark.parametrize("role", ROLES)
def test_every_invoice_route_answers_as_the_matrix_says(
    app, client, login_as, make_issued, admin, role, db
):
    from cloudmanager.invoices.credit_notes import create_credit_note

    invoice = make_issued()
    note = create_credit_note(
        invoice, {"quantities": {invoice.lines[0].id: "0.5"}, "reason": "x"}, by=admin
    )
    db.session.commit()
    login_as(role)
    for endpoint, url, methods in invoice_routes(app, invoice.id, note.id, invoice.customer_id):
        allowed = role in PERMISSIONS[ENDPOINTS[endpoint]]
        for method in methods:
            response = client.open(url, method=method, data={})
            if allowed:
                assert response.status_code not in (403, 500), (
                    endpoint,
                    method,
                    role,
                    response.status_code,
                )
            else:
                assert response.status_code == 403, (endpoint, method, role, response.status_code)


def test_agents_see_invoices_but_no_edit_buttons(client, login_as, make_issued):
    invoice = make_issued()
    login_as("agent")
    page = client.get(f"/invoices/{invoice.id}").get_data(as_text=True)
    assert invoice.number in page
    assert "Record payment" not in page and "Credit note</a>" not in page


def post_editor(client, url, rows, **fields):
    data = dict(fields)
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"lines-{index}-{key}"] = value
    return client.post(url, data=data)


def test_the_preview_recalculates_totals_and_the_tax_summary(client, login_as, customer, vat):
    login_as("accountant")
    response = post_editor(
        client,
        "/invoices/preview",
        [
            line(quantity="2", unit_price="10"),
            line(unit_price="100", tax_rate_id=str(vat["reduced"].id)),
        ],
        customer_id=str(customer.id),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="totals"' in html
    assert (
        "120.00 EUR" in html and "3.80 EUR" in html and "7.00 EUR" in html and "130.80 EUR" in html
    )


def test_a_new_draft_with_a_bad_line_shows_the_error_next_to_the_field(
    client, login_as, customer, db
):
    login_as("manager")
    response = post_editor(
        client, "/invoices/new", [line(quantity="1.23456")], customer_id=str(customer.id)
    )
    assert response.status_code == 422
    assert "at most 3 decimals" in response.get_data(as_text=True)
    assert db.session.scalar(select(Invoice.id)) is None


def test_create_issue_pay_partially_then_fully(client, login_as, customer, db):
    login_as("accountant")
    response = post_editor(
        client,
        "/invoices/new",
        [line(unit_price="200")],
        customer_id=str(customer.id),
        payment_terms_days="30",
    )
    assert response.status_code == 302
    invoice = db.session.scalar(select(Invoice))
    assert invoice.payment_terms_days == 30
    assert client.post(f"/invoices/{invoice.id}/issue").status_code == 302
    db.session.refresh(invoice)
    assert invoice.number and invoice.gross_total == 238
    pay = {
        "amount": "100.00",
        "method": "bank_transfer",
        "reference": "T-1",
        "received_on": date.today().isoformat(),
    }
    client.post(f"/invoices/{invoice.id}/payments/new", data=pay)
    db.session.refresh(invoice)
    assert invoice.status == "partially_paid"
    again = client.post(f"/invoices/{invoice.id}/payments/new", data=pay)
    assert again.status_code == 422 and "already recorded" in again.get_data(as_text=True)
    client.post(
        f"/invoices/{invoice.id}/payments/new", data={**pay, "amount": "138.00", "reference": "T-2"}
    )
    db.session.refresh(invoice)
    assert invoice.status == "paid"
    page = client.get(f"/invoices/{invoice.id}").get_data(as_text=True)
    assert "Paid" in page and "T-2" in page
    pdf = client.get(f"/invoices/{invoice.id}/pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")


def test_an_issued_invoice_cannot_be_edited_through_the_editor(client, login_as, make_issued):
    invoice = make_issued()
    login_as("admin")
    response = post_editor(client, f"/invoices/{invoice.id}/edit", [line(unit_price="1")])
    assert response.status_code == 302
    assert invoice.gross_total == 119


def test_a_line_from_a_product_is_prefilled(client, login_as, db, vat, admin):
    from cloudmanager.products.services import create_product

    product = create_product(
        {
            "sku": "SETUP",
            "name": "Setup service",
            "kind": "one_off",
            "currency": "EUR",
            "one_off_price": "120",
            "tax_rate_id": str(vat["standard"].id),
        },
        by=admin,
    )
    db.session.commit()
    login_as("admin")
    html = client.get(f"/invoices/line?product={product.id}:one-off&index=3", headers=HX).get_data(
        as_text=True
    )
    assert (
        "Setup service (one-off)" in html
        and 'value="120' in html
        and 'name="lines-3-unit_price"' in html
    )


def test_the_list_filters_sums_and_exports(client, login_as, make_issued, db, admin):
    from cloudmanager.invoices.payments import record_payment

    old = make_issued(on=date.today() - timedelta(days=40))
    paid = make_issued(lines=[line(unit_price="10")])
    record_payment(paid, {"amount": "11.90", "method": "cash"}, by=admin)
    db.session.commit()
    login_as("accountant")
    overdue = client.get("/invoices/?overdue=1").get_data(as_text=True)
    assert old.number in overdue and paid.number not in overdue
    everything = client.get("/invoices/").get_data(as_text=True)
    assert 'hx-get="/invoices/summary"' in everything  # the sums load after the rows
    sums = client.get("/invoices/summary", headers=HX).get_data(as_text=True)
    assert "130.90 EUR" in sums and "119.00 EUR" in sums  # invoiced / still owed
    csv = client.get("/invoices/export.csv?status=paid").get_data(as_text=True)
    assert (
        csv.splitlines()[0].startswith("number,status")
        and paid.number in csv
        and old.number not in csv
    )


def test_the_list_runs_the_same_number_of_queries_for_10_and_100_rows(
    client, login_as, customer, db, count_queries
):
    login_as("agent")
    for _ in range(100):
        db.session.add(Invoice(customer_id=customer.id, state="draft", currency="EUR"))
    db.session.commit()

    def queries(size):
        with count_queries() as counter:
            response = client.get(f"/invoices/?size={size}")
        assert response.status_code == 200
        assert len(re.findall(r"/invoices/\d+\"", response.get_data(as_text=True))) == size
        return counter.count

    queries(10)  # warm the settings cache, as any earlier request would have
    assert queries(10) == queries(100)


def test_the_customer_page_shows_an_invoices_tab(client, login_as, make_issued):
    invoice = make_issued()
    login_as("agent")
    html = client.get(f"/customers/{invoice.customer_id}/tabs/invoices").get_data(as_text=True)
    assert invoice.number in html


def test_the_sums_cover_every_matching_invoice_per_currency(client, login_as, customer, db):
    def add(state, currency, gross, paid="0"):
        db.session.add(
            Invoice(
                customer_id=customer.id,
                state=state,
                currency=currency,
                gross_total=Decimal(gross),
                paid_total=Decimal(paid),
            )
        )

    for _ in range(30):
        add("issued", "EUR", "10.00", paid="2.50")
    add("issued", "USD", "99.99")
    add("void", "EUR", "1000.00")
    db.session.commit()
    login_as("agent")
    html = client.get(f"/invoices/?customer_id={customer.id}&size=10").get_data(as_text=True)
    assert f'hx-get="/invoices/summary?customer_id={customer.id}' in html
    sums = client.get(f"/invoices/summary?customer_id={customer.id}", headers=HX)
    sums = sums.get_data(as_text=True)
    assert ">32<" in sums  # every matching invoice is counted, not just the page
    assert "Total invoiced (EUR)" in sums and "300.00 EUR" in sums  # the void one adds nothing
    assert "225.00 EUR" in sums  # still owed: 30 × 7.50
    assert "Total invoiced (USD)" in sums and "99.99 USD" in sums
    void = client.get("/invoices/summary?status=void", headers=HX).get_data(as_text=True)
    assert ">1<" in void and "0.00 EUR" in void and "(EUR)" not in void


def test_a_sum_that_takes_too_long_asks_for_narrower_filters(client, login_as, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from cloudmanager.invoices import queries

    execute = queries.db.session.execute

    def cancelled(stmt, *args, **kwargs):
        if "invoices" not in str(stmt):  # the signed-in user's row, say
            return execute(stmt, *args, **kwargs)
        raise OperationalError("SELECT …", {}, Exception("canceling statement due to timeout"))

    login_as("agent")
    monkeypatch.setattr(queries.db.session, "execute", cancelled)
    response = client.get("/invoices/summary", headers=HX)
    assert response.status_code == 200
    assert "narrow the filters" in response.get_data(as_text=True)


def test_a_date_range_pages_through_every_invoice_once(client, login_as, make_issued):
    issued = [make_issued(on=date(2026, 3, day)) for day in (1, 2, 2, 3, 5)]
    login_as("accountant")
    seen, url = [], "/invoices/?size=2&date_from=2026-03-01&date_to=2026-03-04"
    while url:
        html = client.get(url).get_data(as_text=True)
        seen += re.findall(r"INV-2026-\d{5}", html.split('id="invoice-table"')[1])
        cursor = re.search(r'href="(/invoices/\?[^"]*cursor=[^"]+)"', html)
        url = cursor.group(1).replace("&amp;", "&") if cursor else None
    assert sorted(set(seen)) == sorted(i.number for i in issued[:4]) and len(seen) == 4
