"""Portal invoices: the list and its filters, an invoice without internal data, the statement."""

from datetime import date, timedelta
from decimal import Decimal

from cloudmanager.invoices.models import Invoice

HX = {"HX-Request": "true"}


def test_the_list_shows_the_customers_issued_invoices_only(
    client, make_portal_user, portal_login, make_invoice, jobs
):
    user = portal_login(make_portal_user())
    mine = make_invoice(user, "100.00")
    draft = make_invoice(user, "55.00", issue=False)
    other = make_invoice(make_portal_user(), "77.00")
    html = client.get("/portal/invoices").get_data(as_text=True)
    assert mine.number in html and f"/portal/invoices/{mine.id}" in html
    assert other.number not in html and f"/portal/invoices/{draft.id}" not in html
    assert "119.00 EUR" in html  # still to pay, with 19% VAT


def test_the_list_filters_by_status_and_number(
    client, db, make_portal_user, portal_login, make_invoice, staff, jobs
):
    from cloudmanager.invoices.payments import record_payment

    user = portal_login(make_portal_user())
    unpaid = make_invoice(user, "100.00")
    paid = make_invoice(user, "10.00")
    record_payment(
        paid, {"amount": "11.90", "method": "bank_transfer", "reference": "P1"}, by=staff
    )
    overdue = make_invoice(user, "20.00", on=date.today() - timedelta(days=60))
    db.session.commit()

    def numbers(query):
        html = client.get(f"/portal/invoices?{query}", headers=HX).get_data(as_text=True)
        return {n for n in (unpaid.number, paid.number, overdue.number) if n in html}

    assert numbers("status=unpaid") == {unpaid.number, overdue.number}
    assert numbers("status=paid") == {paid.number}
    assert numbers("status=overdue") == {overdue.number}
    assert numbers(f"q={paid.number}") == {paid.number}
    assert numbers("status=draft") == {unpaid.number, paid.number, overdue.number}  # ignored
    fragment = client.get("/portal/invoices?status=void", headers=HX).get_data(as_text=True)
    assert "No invoices match" in fragment and "<html" not in fragment


def test_an_empty_list_says_so(client, make_portal_user, portal_login):
    portal_login(make_portal_user())
    assert "No invoices yet" in client.get("/portal/invoices").get_data(as_text=True)


def test_the_list_pages_with_a_constant_number_of_queries(
    client, db, make_portal_user, portal_login, make_invoice, count_queries, jobs
):
    user = portal_login(make_portal_user())

    def issue(count):
        for _ in range(count):
            make_invoice(user, "10.00")

    issue(10)
    with count_queries() as few:
        assert client.get("/portal/invoices?size=200").status_code == 200
    issue(90)
    with count_queries() as many:
        html = client.get("/portal/invoices?size=200").get_data(as_text=True)
    assert html.count("/portal/invoices/") >= 100
    assert many.count == few.count, many.statements


def test_the_invoice_page_shows_lines_tax_payments_and_credit_notes(
    client, db, make_portal_user, portal_login, make_invoice, staff, jobs
):
    from cloudmanager.invoices.credit_notes import create_credit_note
    from cloudmanager.invoices.payments import record_payment

    user = portal_login(make_portal_user())
    invoice = make_invoice(user, "100.00", description="Object storage 1 TB")
    record_payment(
        invoice,
        {
            "amount": "50.00",
            "method": "bank_transfer",
            "reference": "SEPA-77",
            "note": "INTERNAL: called them twice",
        },
        by=staff,
    )
    note = create_credit_note(
        invoice, {"quantities": {invoice.lines[0].id: "0.1"}, "reason": "Outage"}, by=staff
    )
    db.session.commit()
    html = client.get(f"/portal/invoices/{invoice.id}").get_data(as_text=True)
    for text in ("Object storage 1 TB", "19%", "119.00 EUR", "SEPA-77", note.number, "Outage"):
        assert text in html, text
    assert f"/portal/credit-notes/{note.id}/pdf" in html
    for internal in ("INTERNAL", "Timeline", staff.email, "account credit", "/invoices/"):
        assert internal not in html.replace("/portal/invoices/", "/portal/INV/"), internal


def test_drafts_and_other_customers_invoices_are_not_found(
    client, make_portal_user, portal_login, make_invoice, jobs
):
    user = portal_login(make_portal_user())
    draft = make_invoice(user, issue=False)
    other = make_invoice(make_portal_user())
    assert client.get(f"/portal/invoices/{draft.id}").status_code == 404
    assert client.get(f"/portal/invoices/{other.id}").status_code == 404


def test_invoice_emails_link_to_the_portal_invoice_page(
    app, client, make_portal_user, portal_login, make_invoice, jobs
):
    from cloudmanager.invoices.emails import notification_context

    user = portal_login(make_portal_user())
    invoice = make_invoice(user)
    url = notification_context(invoice)["invoice"]["url"]
    path = "/" + url.split("://", 1)[1].split("/", 1)[1]
    response = client.get(path)
    assert response.status_code == 200 and invoice.number in response.get_data(as_text=True)


def test_a_void_invoice_shows_why_and_no_balance(
    client, db, make_portal_user, portal_login, make_invoice, staff, jobs
):
    from cloudmanager.invoices.issuing import void_invoice

    user = portal_login(make_portal_user())
    invoice = make_invoice(user)
    void_invoice(invoice, "Ordered twice", by=staff)
    db.session.commit()
    html = client.get(f"/portal/invoices/{invoice.id}").get_data(as_text=True)
    assert "voided" in html and "Ordered twice" in html and 'id="invoice-balance"' not in html
    assert db.session.get(Invoice, invoice.id).status == "void"


def test_the_statement_lists_invoices_and_payments_with_the_running_balance(
    client, db, make_portal_user, portal_login, make_invoice, staff, jobs
):
    from cloudmanager.invoices.payments import record_payment

    user = portal_login(make_portal_user())
    empty = client.get("/portal/statement").get_data(as_text=True)
    assert "Nothing on your account yet" in empty
    invoice = make_invoice(user, "100.00")
    make_invoice(make_portal_user(), "999.00")
    record_payment(
        invoice, {"amount": "19.00", "method": "bank_transfer", "reference": "ST-1"}, by=staff
    )
    db.session.commit()
    html = client.get("/portal/statement").get_data(as_text=True)
    assert invoice.number in html and "ST-1" in html and "100.00 EUR" in html
    assert "999" not in html and "/portal/statement/pdf" in html


def test_an_unpaid_invoice_says_how_to_pay_it(
    client, db, make_portal_user, portal_login, make_invoice, jobs
):
    from cloudmanager.invoices.documents import creditor_reference
    from cloudmanager.settings.models import Setting

    db.session.add(Setting(key="company.iban", value="DE89370400440532013000"))
    db.session.commit()
    user = portal_login(make_portal_user())
    invoice = make_invoice(user, "100.00")
    html = client.get(f"/portal/invoices/{invoice.id}").get_data(as_text=True)
    details = html.split('id="payment-details"', 1)[1].split("</dl>", 1)[0]
    assert "DE89370400440532013000" in details and "119.00 EUR" in details
    assert creditor_reference(invoice.number) in details


def test_the_invoice_page_shows_the_figures_it_was_issued_with(
    client, make_portal_user, portal_login, make_invoice, monkeypatch, jobs
):
    user = portal_login(make_portal_user())
    invoice = make_invoice(user, "100.00")
    # Suppose the tax rule changed after the invoice was issued: the page must still show
    # the stored tax summary and totals, not a recomputation from the lines.
    monkeypatch.setattr(
        "cloudmanager.invoices.calculation.tax_amount", lambda taxable, rate: Decimal("99.99")
    )
    html = client.get(f"/portal/invoices/{invoice.id}").get_data(as_text=True)
    summary = html.split('id="tax-summary"', 1)[1].split("</table>", 1)[0]
    assert "100.00 EUR" in summary and "19.00 EUR" in summary
    assert 'id="total-tax">19.00 EUR' in html and 'id="total-gross">119.00 EUR' in html
    assert "99.99" not in html
