"""Drafts, issuing and voiding: numbers, frozen data, immutability, audit."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from cloudmanager.auth.models import AuditEntry
from cloudmanager.core.errors import Conflict, ValidationFailed
from cloudmanager.invoices.drafts import create_draft, delete_draft, update_draft
from cloudmanager.invoices.issuing import issue_invoice, void_invoice
from tests.invoices.conftest import line

D = Decimal


def test_a_draft_has_no_number_and_exact_totals(make_draft):
    invoice = make_draft([line(quantity="2.5", unit_price="10.0049"), line(unit_price="0.99")])
    assert invoice.number is None and invoice.status == "draft"
    assert [ln.net for ln in invoice.lines] == [D("25.01"), D("0.99")]
    assert invoice.net_total == D("26.00")
    assert invoice.tax_total == D("4.94") and invoice.gross_total == D("30.94")


def test_bad_lines_are_refused_with_errors_next_to_each_field(customer, admin):
    with pytest.raises(ValidationFailed) as caught:
        create_draft(
            customer,
            {"lines": [line(quantity="1.2345"), line(description="", unit_price="x")]},
            by=admin,
        )
    assert set(caught.value.errors) == {
        "lines-0-quantity",
        "lines-1-description",
        "lines-1-unit_price",
    }


def test_a_discount_larger_than_the_line_is_refused(customer, admin):
    with pytest.raises(ValidationFailed) as caught:
        create_draft(customer, {"lines": [line(unit_price="10", discount="10.01")]}, by=admin)
    assert "lines-0-discount" in caught.value.errors


def test_issuing_numbers_dates_and_freezes_the_customer(db, make_draft, admin, customer):
    invoice = make_draft()
    issue_invoice(invoice, by=admin, on=date(2026, 3, 1))
    db.session.commit()
    assert invoice.number == "INV-2026-00001" and invoice.status == "overdue"
    assert invoice.due_date == date(2026, 3, 15)
    assert invoice.bill_name == "Acme Cloud GmbH" and invoice.bill_vat_id == "DE123456789"
    assert "10115 Berlin" in invoice.bill_address
    customer.name = "Renamed Ltd"
    db.session.commit()
    db.session.refresh(invoice)
    assert invoice.bill_name == "Acme Cloud GmbH"


def test_numbers_count_up_and_restart_each_year(db, make_issued):
    numbers = [
        make_issued(on=date(2026, 12, 30)).number,
        make_issued(on=date(2026, 12, 31)).number,
        make_issued(on=date(2027, 1, 1)).number,
    ]
    assert numbers == ["INV-2026-00001", "INV-2026-00002", "INV-2027-00001"]


def test_issuing_freezes_the_tax_rate_valid_on_the_issue_date(db, vat, make_draft, admin):
    from cloudmanager.products.taxes import supersede_tax_rate

    invoice = make_draft()
    supersede_tax_rate(vat["standard"], percent="21", from_date=date(2027, 1, 1), by=admin)
    issue_invoice(invoice, by=admin, on=date(2027, 2, 1))
    assert invoice.lines[0].tax_rate == D("21.00") and invoice.tax_total == D("21.00")


def test_a_business_customer_in_another_eu_country_gets_reverse_charge(make_customer, make_issued):
    french = make_customer(country="FR", vat_id="FR12345678901", postcode="75001", city="Paris")
    invoice = make_issued(for_customer=french)
    assert invoice.lines[0].reverse_charge and invoice.tax_total == D("0.00")
    assert invoice.gross_total == D("100.00")


def test_issued_invoices_cannot_be_edited_deleted_or_issued_again(make_issued, admin):
    invoice = make_issued()
    with pytest.raises(Conflict):
        update_draft(invoice, {"lines": [line()]}, by=admin)
    with pytest.raises(Conflict):
        delete_draft(invoice, by=admin)
    with pytest.raises(Conflict):
        issue_invoice(invoice, by=admin)


def test_a_failure_after_the_number_was_taken_gives_the_number_back(db, make_draft, admin):
    first = make_draft()
    issue_invoice(first, by=admin)
    db.session.rollback()  # e.g. the request crashed after issuing
    second = make_draft()
    issue_invoice(second, by=admin)
    db.session.commit()
    assert second.sequence == 1


def test_voiding_needs_a_reason_and_keeps_the_number(db, make_issued, admin):
    invoice = make_issued()
    with pytest.raises(ValidationFailed):
        void_invoice(invoice, " ", by=admin)
    void_invoice(invoice, "Sent to the wrong customer", by=admin)
    db.session.commit()
    assert (
        invoice.status == "void"
        and invoice.number == "INV-" + str(invoice.issue_date.year) + "-00001"
    )
    assert invoice.revision == 2


def test_every_step_is_audited(db, make_issued, admin):
    invoice = make_issued()
    void_invoice(invoice, "Duplicate", by=admin)
    db.session.commit()
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.object_type == "invoice").order_by(AuditEntry.id)
    ).all()
    assert actions == [
        "invoice.draft_created",
        "invoice.issued",
        "invoice.invoice_sent",  # the email job ran inline after the commit
        "invoice.voided",
    ]


def test_an_invoice_becomes_overdue_after_its_due_date(make_issued):
    invoice = make_issued(on=date.today() - timedelta(days=20))
    assert invoice.status == "overdue"
    assert make_issued(on=date.today()).status == "issued"
