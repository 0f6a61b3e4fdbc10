"""Payments, overpayment into credit, account credit, and credit notes."""

from datetime import date
from decimal import Decimal

import pytest

from cloudmanager.core.errors import Conflict, ValidationFailed
from cloudmanager.invoices.credit_notes import create_credit_note
from cloudmanager.invoices.payments import credit_balance, record_payment
from tests.invoices.conftest import line

D = Decimal


def pay(invoice, amount, reference="TX-1", method="bank_transfer", by=None, **extra):
    return record_payment(
        invoice, {"amount": amount, "method": method, "reference": reference, **extra}, by=by
    )


def test_partial_then_full_payment_changes_the_status(db, make_issued, admin):
    invoice = make_issued()  # 119.00
    pay(invoice, "50.00", "TX-1", by=admin)
    db.session.commit()
    assert invoice.status == "partially_paid" and invoice.balance == D("69.00")
    pay(invoice, "69.00", "TX-2", by=admin)
    db.session.commit()
    assert invoice.status == "paid" and invoice.balance == D("0.00")


def test_the_same_reference_is_refused_the_second_time(db, make_issued, admin):
    invoice = make_issued()
    pay(invoice, "10.00", "SEPA-42", by=admin)
    db.session.commit()
    with pytest.raises(Conflict):
        pay(invoice, "10.00", "SEPA-42", by=admin)
    db.session.rollback()
    assert invoice.paid_total == D("10.00")


def test_a_bank_transfer_needs_a_reference_and_a_positive_amount(make_issued, admin):
    invoice = make_issued()
    with pytest.raises(ValidationFailed) as caught:
        pay(invoice, "0", "", by=admin)
    assert set(caught.value.errors) == {"amount", "reference"}
    with pytest.raises(TypeError):
        pay(invoice, 1.5, "X", by=admin)


def test_payments_on_drafts_are_refused(make_draft, admin):
    with pytest.raises(Conflict):
        pay(make_draft(), "1.00", by=admin)


def test_an_overpayment_becomes_credit_that_pays_another_invoice(db, make_issued, admin):
    first, second = make_issued(), make_issued(lines=[line(unit_price="10")])  # 119.00, 11.90
    pay(first, "130.90", "TX-9", by=admin)
    db.session.commit()
    assert first.status == "paid" and credit_balance(first.customer_id) == D("11.90")
    pay(second, "11.90", None, method="account_credit", by=admin)
    db.session.commit()
    assert second.status == "paid" and credit_balance(first.customer_id) == D("0.00")


def test_account_credit_cannot_be_spent_twice(db, make_issued, admin):
    invoice = make_issued()
    with pytest.raises(ValidationFailed):
        pay(invoice, "1.00", None, method="account_credit", by=admin)


def test_a_full_credit_note_settles_an_unpaid_invoice(db, make_issued, admin):
    invoice = make_issued([line(quantity="2", unit_price="50"), line(unit_price="10")])
    note = create_credit_note(invoice, {"all": True, "reason": "Cancelled order"}, by=admin)
    db.session.commit()
    assert note.number == f"CN-{date.today().year}-00001"
    assert note.gross_total == invoice.gross_total == D("130.90")
    assert invoice.balance == D("0.00") and invoice.status == "paid"
    assert credit_balance(invoice.customer_id) == D("0.00")


def test_a_partial_credit_note_on_a_paid_invoice_goes_to_customer_credit(db, make_issued, admin):
    invoice = make_issued([line(quantity="3", unit_price="10", discount="3")])  # 27 net
    pay(invoice, invoice.gross_total, "TX-5", by=admin)
    line_id = invoice.lines[0].id
    note = create_credit_note(
        invoice, {"quantities": {line_id: "1"}, "reason": "One server returned"}, by=admin
    )
    db.session.commit()
    assert note.lines[0].discount == D("1.00") and note.net_total == D("9.00")
    assert note.to_customer_credit == note.gross_total == D("10.71")
    assert credit_balance(invoice.customer_id) == D("10.71")


def test_more_than_is_left_of_a_line_cannot_be_credited(db, make_issued, admin):
    invoice = make_issued([line(quantity="2")])
    line_id = invoice.lines[0].id
    create_credit_note(invoice, {"quantities": {line_id: "1.5"}, "reason": "x"}, by=admin)
    db.session.commit()
    with pytest.raises(ValidationFailed) as caught:
        create_credit_note(invoice, {"quantities": {line_id: "1"}, "reason": "y"}, by=admin)
    assert f"quantity-{line_id}" in caught.value.errors


def test_crediting_the_rest_in_parts_adds_up_to_the_invoice(db, make_issued, admin):
    invoice = make_issued([line(quantity="3", unit_price="33.3333", discount="0.10")])
    line_id = invoice.lines[0].id
    for qty in ("1", "1", "1"):
        create_credit_note(invoice, {"quantities": {line_id: qty}, "reason": "part"}, by=admin)
    db.session.commit()
    assert sum(n.net_total for n in invoice.credit_notes) == invoice.net_total
    assert sum(n.gross_total for n in invoice.credit_notes) == invoice.gross_total
    assert invoice.balance == D("0.00")


def test_line_by_line_credit_notes_never_credit_more_tax_or_net_than_is_left(
    db, make_issued, admin
):
    # Four lines of 0.03 at 19 %: the invoice's tax is 0.12 × 19 % = 0.0228 → 0.02, while
    # each line alone rounds 0.0057 up to 0.01; a third 0.01 would credit 0.03 in all.
    invoice = make_issued([line(unit_price="0.03") for _ in range(4)])
    assert invoice.tax_total == D("0.02")
    taxes = []
    for invoice_line in invoice.lines:
        quantities = {invoice_line.id: "1"}
        note = create_credit_note(invoice, {"quantities": quantities, "reason": "p"}, by=admin)
        db.session.commit()
        taxes.append(note.tax_total)
        assert sum(n.gross_total for n in invoice.credit_notes) <= invoice.gross_total
    assert taxes == [D("0.01"), D("0.01"), D("0.00"), D("0.00")]
    # 0.005 per unit: three single units round to 0.01 each, more than the line's 0.03 … 0.02.
    invoice = make_issued([line(quantity="5", unit_price="0.005")])
    line_id = invoice.lines[0].id
    for _ in range(5):
        create_credit_note(invoice, {"quantities": {line_id: "1"}, "reason": "p"}, by=admin)
        db.session.commit()
        assert sum(n.net_total for n in invoice.credit_notes) <= invoice.net_total
    assert sum(n.gross_total for n in invoice.credit_notes) == invoice.gross_total


def test_a_voided_invoice_cannot_take_payments_or_credit_notes(db, make_issued, admin):
    from cloudmanager.invoices.issuing import void_invoice

    invoice = make_issued()
    void_invoice(invoice, "wrong", by=admin)
    with pytest.raises(Conflict):
        pay(invoice, "1.00", by=admin)
    with pytest.raises(Conflict):
        create_credit_note(invoice, {"all": True, "reason": "x"}, by=admin)


def test_an_invoice_with_payments_cannot_be_voided(db, make_issued, admin):
    from cloudmanager.invoices.issuing import void_invoice

    invoice = make_issued()
    pay(invoice, "1.00", by=admin)
    with pytest.raises(Conflict):
        void_invoice(invoice, "wrong", by=admin)


def test_issue_payment_and_settlement_are_sent_to_webhooks(db, make_issued, admin, monkeypatch):
    from sqlalchemy import select

    from cloudmanager.webhooks.models import WebhookDelivery
    from cloudmanager.webhooks.services import register_webhook

    monkeypatch.setattr("cloudmanager.webhooks.services.enqueue", lambda *a, **k: None)
    register_webhook(
        url="https://hooks.example.com/billing",
        events=["invoice.issued", "invoice.paid", "payment.recorded"],
        by=admin,
    )
    db.session.commit()
    invoice = make_issued()
    pay(invoice, "100.00", "W-1", by=admin)
    pay(invoice, "19.00", "W-2", by=admin)
    db.session.commit()
    deliveries = db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)).all()
    assert [d.event for d in deliveries] == [
        "invoice.issued",
        "payment.recorded",
        "payment.recorded",
        "invoice.paid",
    ]
    assert deliveries[-1].payload["data"]["invoice"]["balance"] == "0.00"


def test_a_credit_note_settled_as_credit_refunds_into_the_customer_account(
    db, client, login_as, make_issued, admin
):
    from sqlalchemy import select

    from cloudmanager.invoices.credit_models import CreditEntry, CreditNote

    invoice = make_issued()  # 119.00
    pay(invoice, "50.00", "TX-C", by=admin)
    db.session.commit()
    login_as("accountant")
    response = client.post(
        f"/invoices/{invoice.id}/credit-notes/new",
        data={f"quantity-{invoice.lines[0].id}": "0.5", "settle": "credit", "reason": "Outage"},
    )
    assert response.status_code == 302
    note = db.session.scalar(select(CreditNote))
    assert note.gross_total == D("59.50")
    assert note.applied_to_invoice == D("0.00") and note.to_customer_credit == D("59.50")
    db.session.refresh(invoice)
    assert invoice.credited_total == D("0.00") and invoice.balance == D("69.00")
    (entry,) = db.session.scalars(select(CreditEntry)).all()
    assert (entry.kind, entry.amount, entry.credit_note_id) == ("credit_note", D("59.50"), note.id)
    assert credit_balance(invoice.customer_id) == D("59.50")
    # The refund is the customer's to spend, on this invoice or another.
    pay(invoice, "59.50", None, method="account_credit", by=admin)
    db.session.commit()
    assert invoice.balance == D("9.50") and credit_balance(invoice.customer_id) == D("0.00")


def test_payments_and_credit_notes_are_audited_with_who_and_the_amounts(db, make_issued, admin):
    from sqlalchemy import select

    from cloudmanager.auth.models import AuditEntry

    invoice = make_issued()  # 119.00
    payment = pay(invoice, "50.00", "TX-A", by=admin)
    quantities = {invoice.lines[0].id: "0.5"}
    note = create_credit_note(invoice, {"quantities": quantities, "reason": "Outage"}, by=admin)
    db.session.commit()
    entries = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.object_type == "invoice", AuditEntry.object_id == str(invoice.id))
        .where(AuditEntry.action.in_(["invoice.payment_recorded", "invoice.credit_note_issued"]))
        .order_by(AuditEntry.id)
    ).all()
    assert [(e.action, e.actor_id) for e in entries] == [
        ("invoice.payment_recorded", admin.id),
        ("invoice.credit_note_issued", admin.id),
    ]
    assert entries[0].after == {
        "payment_id": payment.id,
        "amount": "50.00",
        "applied": "50.00",
        "method": "bank_transfer",
        "reference": "TX-A",
        "balance": "69.00",
    }
    assert entries[1].after == {
        "credit_note": note.number,
        "gross_total": "59.50",
        "applied_to_invoice": "59.50",
        "to_customer_credit": "0.00",
        "reason": "Outage",
    }
