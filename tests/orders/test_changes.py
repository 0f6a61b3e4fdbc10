"""Plan and quantity changes: proration worked by hand, VAT-correct documents, the renewal window."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from cloudmanager.core.errors import Conflict
from cloudmanager.invoices.credit_models import CreditNote
from cloudmanager.invoices.models import Invoice
from cloudmanager.orders import lifecycle as lc
from cloudmanager.orders.billing import run_billing
from cloudmanager.orders.changes import change_service
from cloudmanager.orders.models import ServiceEvent


def _pay(admin, invoice, reference):
    from cloudmanager.invoices.payments import record_payment

    record_payment(
        invoice,
        {"amount": str(invoice.balance), "method": "bank_transfer", "reference": reference},
        by=admin,
    )


def _newest_invoice(db):
    return db.session.scalars(select(Invoice).order_by(Invoice.id.desc())).first()


def _credit_notes(db):
    return db.session.scalars(select(CreditNote).order_by(CreditNote.id)).all()


@pytest.fixture
def large(make_product):
    """Cloud Server L: monthly 40.00, same 19% VAT as the server."""
    return make_product(name="Cloud Server L", prices={"monthly": "40.00"})


def test_upgrade_mid_period_credits_unused_days_and_charges_new_on_one_invoice(
    db, admin, make_service, large, jobs
):
    from cloudmanager.auth.models import AuditEntry

    service = make_service(on=date(2026, 11, 1))  # Nov 2026: 30 days at 10.00
    change = change_service(service, {"product_id": str(large.id)}, by=admin, on=date(2026, 11, 21))
    db.session.commit()
    # 10 days left of 30: credit 10.00 × 10/30 = 3.33, charge 40.00 × 10/30 = 13.33
    assert (change.credit, change.charge) == (Decimal("3.33"), Decimal("13.33"))
    invoice = _newest_invoice(db)
    assert [(ln.unit_price, ln.discount, ln.net) for ln in invoice.lines] == [
        (Decimal("13.33"), Decimal("3.33"), Decimal("10.00"))
    ]
    assert (invoice.tax_total, invoice.gross_total) == (Decimal("1.90"), Decimal("11.90"))
    assert _credit_notes(db) == []
    assert service.unit_price == Decimal("40.00") and service.product_id == large.id
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "service.changed"))
    assert entry.object_id == str(service.id) and entry.after["invoice_id"] == invoice.id
    assert entry.after["credit"] == "3.33" and entry.before["unit_price"] == "10.0000"


def test_a_downgrade_of_a_paid_period_returns_net_and_vat_as_account_credit(
    db, admin, make_service, jobs
):
    from cloudmanager.invoices.payments import credit_balance

    service = make_service(on=date(2027, 2, 1), quantity=3)  # Feb 2027: 28 days, 30.00
    first = db.session.get(Invoice, service.first_invoice_id)
    _pay(admin, first, "FIRST")  # 3 × 10.00 + 3 × 5.00 setup = 45.00 + 8.55 VAT
    db.session.commit()
    change = change_service(service, {"quantity": "1"}, by=admin, on=date(2027, 2, 15))
    db.session.commit()
    # 14 of 28 days left: credit 30.00 / 2 = 15.00, charge 10.00 / 2 = 5.00
    assert change.difference == Decimal("-10.00")
    [note] = _credit_notes(db)
    assert note.invoice_id == first.id
    assert (note.net_total, note.tax_total, note.gross_total) == (
        Decimal("10.00"),
        Decimal("1.90"),
        Decimal("11.90"),
    )
    [line] = note.lines
    credited = next(ln for ln in first.lines if ln.id == line.invoice_line_id)
    assert credited.position == 0 and "Setup fee" not in credited.description
    assert (line.quantity, line.unit_price, line.discount) == (1, Decimal("10.00"), 0)
    assert note.to_customer_credit == Decimal("11.90")
    assert credit_balance(service.customer_id) == Decimal("11.90")
    assert _newest_invoice(db).id == first.id  # nothing new to pay
    assert service.quantity == 1


def test_a_downgrade_of_an_unpaid_period_reduces_what_is_owed(db, admin, make_service, jobs):
    from cloudmanager.invoices.payments import credit_balance

    service = make_service(on=date(2027, 2, 1), quantity=3)
    change_service(service, {"quantity": "1"}, by=admin, on=date(2027, 2, 15))
    db.session.commit()
    first = db.session.get(Invoice, service.first_invoice_id)
    assert first.balance == Decimal("53.55") - Decimal("11.90")
    assert credit_balance(service.customer_id) == 0


def test_a_change_in_the_renewal_window_rebills_the_next_period_in_full(
    db, admin, make_service, large, jobs
):
    service = make_service(on=date(2026, 11, 1))
    assert run_billing(date(2026, 11, 20)).invoices_created == 1  # December billed ahead
    renewal = _newest_invoice(db)
    change = change_service(service, {"product_id": str(large.id)}, by=admin, on=date(2026, 11, 21))
    db.session.commit()
    # November: 10 of 30 days, credit 3.33, charge 13.33; December in full: 10.00 → 40.00
    assert [(p.credit, p.charge) for p in change.parts] == [
        (Decimal("3.33"), Decimal("13.33")),
        (Decimal("10.00"), Decimal("40.00")),
    ]
    invoice = _newest_invoice(db)
    assert invoice.id != renewal.id
    assert [ln.net for ln in invoice.lines] == [Decimal("10.00"), Decimal("30.00")]
    assert "01 Dec 2026 – 31 Dec 2026" in invoice.lines[1].description
    assert (invoice.net_total, invoice.gross_total) == (Decimal("40.00"), Decimal("47.60"))
    run_billing(date(2026, 12, 20))  # January is billed at the new price
    assert _newest_invoice(db).net_total == Decimal("40.00")


def test_a_downgrade_in_the_renewal_window_credits_each_periods_invoice(
    db, admin, make_service, jobs
):
    from cloudmanager.invoices.payments import credit_balance

    service = make_service(on=date(2027, 2, 1), quantity=3)
    first = db.session.get(Invoice, service.first_invoice_id)
    _pay(admin, first, "FIRST")
    run_billing(date(2027, 2, 20))  # March billed ahead: 30.00 + 5.70, not paid yet
    renewal = _newest_invoice(db)
    change_service(service, {"quantity": "1"}, by=admin, on=date(2027, 2, 15))
    db.session.commit()
    # February: 15.00 − 5.00 = 10.00 on the paid invoice; March: 30.00 − 10.00 = 20.00
    notes = _credit_notes(db)
    assert [(n.invoice_id, n.net_total, n.gross_total) for n in notes] == [
        (first.id, Decimal("10.00"), Decimal("11.90")),
        (renewal.id, Decimal("20.00"), Decimal("23.80")),
    ]
    db.session.refresh(renewal)
    assert renewal.balance == Decimal("35.70") - Decimal("23.80")
    assert credit_balance(service.customer_id) == Decimal("11.90")


def test_an_upgrade_to_another_tax_rate_credits_the_old_rate_and_invoices_the_new(
    db, admin, make_service, make_product, jobs
):
    from cloudmanager.products.models import TaxRate

    reduced = TaxRate(
        name="Reduced", country="DE", percent=Decimal("7.00"), valid_from=date(2020, 1, 1)
    )
    db.session.add(reduced)
    db.session.commit()
    books = make_product(name="E-books", prices={"monthly": "40.00"}, tax_rate_id=reduced.id)
    service = make_service(on=date(2026, 11, 1))
    change_service(service, {"product_id": str(books.id)}, by=admin, on=date(2026, 11, 21))
    db.session.commit()
    # Old days at 19%: 3.33 + 0.63; new days at 7%: 13.33 + 0.93
    [note] = _credit_notes(db)
    assert note.invoice_id == service.first_invoice_id
    assert (note.net_total, note.tax_total) == (Decimal("3.33"), Decimal("0.63"))
    assert note.lines[0].tax_rate == Decimal("19.00")
    invoice = _newest_invoice(db)
    [line] = invoice.lines
    assert (line.net, line.discount, line.tax_rate) == (Decimal("13.33"), 0, Decimal("7.00"))
    assert invoice.tax_total == Decimal("0.93")


def test_a_second_change_credits_the_invoice_of_the_first(
    db, admin, make_service, make_product, server, jobs
):
    huge = make_product(name="Cloud Server XL", prices={"monthly": "100.00"})
    service = make_service(on=date(2026, 11, 1))
    change_service(service, {"product_id": str(huge.id)}, by=admin, on=date(2026, 11, 2))
    db.session.commit()
    upgrade = _newest_invoice(db)  # 29 days: 96.67 − 9.67 = 87.00
    assert upgrade.net_total == Decimal("87.00")
    change_service(service, {"product_id": str(server.id)}, by=admin, on=date(2026, 11, 3))
    db.session.commit()
    # 28 days: credit 100.00 × 28/30 = 93.33, charge 10.00 × 28/30 = 9.33: 84.00 back
    [note] = _credit_notes(db)
    assert note.invoice_id == upgrade.id and note.net_total == Decimal("84.00")
    assert note.tax_total == Decimal("15.96")


def test_a_quantity_change_keeps_the_discount_and_a_new_plan_ends_it(
    db, admin, make_service, large, jobs
):
    from cloudmanager.auth.models import AuditEntry

    service = make_service(on=date(2026, 11, 1), quantity=2, discount="2.00")
    assert service.discount == Decimal("2.00")  # 2 × 10.00 − 2.00 = 18.00 a month
    change = change_service(service, {"quantity": "4"}, by=admin, on=date(2026, 11, 21))
    db.session.commit()
    assert service.discount == Decimal("4.00") and service.mrr == Decimal("36.00")
    assert (change.credit, change.charge) == (Decimal("6.00"), Decimal("12.00"))
    change_service(service, {"product_id": str(large.id)}, by=admin, on=date(2026, 11, 21))
    db.session.commit()
    assert service.discount == 0 and service.mrr == Decimal("160.00")
    notes = db.session.scalars(
        select(ServiceEvent.note).where(ServiceEvent.kind == "changed").order_by(ServiceEvent.id)
    ).all()
    assert "discount 2.00 → 4.00" in notes[0]
    assert "discount of 4.00 per period ends with the old plan" in notes[1]
    audits = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "service.changed").order_by(AuditEntry.id)
    ).all()
    assert [(a.before["discount"], a.after["discount"]) for a in audits] == [
        ("2.00", "4.00"),
        ("4.00", "0.00"),
    ]


def test_a_change_after_the_billed_periods_is_refused(db, admin, make_service, large):
    service = make_service(on=date(2026, 11, 1))
    with pytest.raises(Conflict, match="bill the period first"):
        change_service(service, {"product_id": str(large.id)}, by=admin, on=date(2026, 12, 1))


def test_a_suspended_service_cannot_change_plan(db, admin, make_service):
    service = make_service()
    lc.suspend_service(service, by=admin, note="Abuse")
    with pytest.raises(Conflict):
        change_service(service, {"quantity": "2"}, by=admin)


def test_days_already_credited_by_hand_cannot_be_credited_again(db, admin, make_service, jobs):
    from cloudmanager.invoices.credit_notes import create_credit_note

    service = make_service(on=date(2027, 2, 1), quantity=3)
    first = db.session.get(Invoice, service.first_invoice_id)
    create_credit_note(first, {"all": True, "reason": "Outage"}, by=admin)
    db.session.commit()
    with pytest.raises(Conflict, match="left uncredited"):
        change_service(service, {"quantity": "1"}, by=admin, on=date(2027, 2, 15))


def test_after_a_change_the_rest_of_the_invoice_can_still_be_credited_exactly(
    db, admin, make_service, large, jobs
):
    from cloudmanager.invoices.credit_notes import create_credit_note
    from cloudmanager.products.models import TaxRate

    reduced = TaxRate(
        name="Reduced", country="DE", percent=Decimal("7.00"), valid_from=date(2020, 1, 1)
    )
    db.session.add(reduced)
    db.session.flush()
    large.tax_rate_id = reduced.id
    db.session.commit()
    service = make_service(on=date(2026, 11, 1), quantity=3)  # 30.00 + 15.00 setup
    change_service(service, {"product_id": str(large.id)}, by=admin, on=date(2026, 11, 21))
    db.session.commit()
    first = db.session.get(Invoice, service.first_invoice_id)
    [by_days] = _credit_notes(db)  # 30.00 × 10/30 = 10.00 at 19%: 1.000 × 10.00
    assert (by_days.lines[0].quantity, by_days.net_total) == (1, Decimal("10.00"))
    rest = create_credit_note(first, {"all": True, "reason": "Goodwill"}, by=admin)
    db.session.commit()
    assert rest.net_total == Decimal("35.00")
    assert by_days.gross_total + rest.gross_total == first.gross_total == Decimal("53.55")


def test_a_plan_change_refuses_a_product_priced_in_another_currency(
    admin, make_service, make_product
):
    from cloudmanager.core.errors import ValidationFailed

    service = make_service()
    dollars = make_product(name="US Server", currency="USD", prices={"monthly": "12.00"})
    with pytest.raises(ValidationFailed) as refused:
        change_service(service, {"product_id": str(dollars.id)}, by=admin, on=date(2026, 2, 10))
    assert refused.value.errors == {
        "product_id": "US Server is priced in USD; this customer pays in EUR."
    }
