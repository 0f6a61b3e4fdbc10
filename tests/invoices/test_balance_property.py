"""Property test through the services and the database: balances always add up.

Random invoices get random payments (some overpaying) and random credit notes;
afterwards the stored totals must equal what the rows say, whatever the order.
"""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from cloudmanager.core.errors import DomainError
from cloudmanager.invoices.models import CreditEntry, CreditNote, Payment

D = Decimal
prices = st.decimals(min_value=D("0.50"), max_value=D("999.9999"), places=4)
quantities = st.decimals(min_value=D("0.010"), max_value=D("20"), places=3)
rates = st.sampled_from(["", "reduced"])
lines = st.lists(st.tuples(quantities, prices, rates), min_size=1, max_size=5)
actions = st.lists(
    st.one_of(
        st.tuples(st.just("pay"), st.integers(min_value=1, max_value=200_000)),
        st.tuples(st.just("credit"), st.integers(min_value=0, max_value=4)),
    ),
    max_size=6,
)


@pytest.mark.slow
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(lines=lines, actions=actions)
def test_balances_always_equal_gross_minus_payments_minus_credits(
    db, vat, admin, make_issued, lines, actions
):
    from cloudmanager.invoices.credit_notes import create_credit_note, creditable_quantities
    from cloudmanager.invoices.payments import credit_balance, record_payment

    rows = [
        {
            "description": "item",
            "quantity": str(qty),
            "unit_price": str(price),
            "tax_rate_id": str(vat["reduced"].id) if rate else "",
        }
        for qty, price, rate in lines
    ]
    invoice = make_issued(rows)
    for index, (kind, value) in enumerate(actions):
        try:
            if kind == "pay":
                amount = D(value).scaleb(-2)
                record_payment(
                    invoice,
                    {
                        "amount": str(amount),
                        "method": "card",
                        "reference": f"P{invoice.id}-{index}",
                    },
                    by=admin,
                )
            else:
                left = {k: v for k, v in creditable_quantities(invoice).items() if v > 0}
                if not left:
                    continue
                line_id = sorted(left)[value % len(left)]
                create_credit_note(
                    invoice,
                    {"quantities": {line_id: str(left[line_id])}, "reason": "p"},
                    by=admin,
                )
            db.session.commit()
        except DomainError:
            db.session.rollback()
    db.session.refresh(invoice)
    applied = db.session.scalar(
        select(func.sum(Payment.applied)).where(Payment.invoice_id == invoice.id)
    ) or D("0")
    credited = db.session.scalar(
        select(func.sum(CreditNote.applied_to_invoice)).where(CreditNote.invoice_id == invoice.id)
    ) or D("0")
    received = db.session.scalar(
        select(func.sum(Payment.amount)).where(Payment.invoice_id == invoice.id)
    ) or D("0")
    noted = db.session.scalar(
        select(func.sum(CreditNote.gross_total)).where(CreditNote.invoice_id == invoice.id)
    ) or D("0")
    for value in (
        invoice.gross_total,
        invoice.balance,
        applied,
        credited,
        credit_balance(invoice.customer_id),
    ):
        assert type(value) is Decimal
    assert invoice.paid_total == applied and invoice.credited_total == credited
    assert invoice.balance == invoice.gross_total - applied - credited
    assert invoice.balance >= 0
    assert sum(line.net for line in invoice.lines) == invoice.net_total
    assert invoice.net_total + invoice.tax_total == invoice.gross_total
    # Whatever did not go to the invoice went to the customer's account, to the cent.
    ledger = db.session.scalar(
        select(func.sum(CreditEntry.amount)).where(CreditEntry.invoice_id == invoice.id)
    ) or D("0")
    assert ledger == (received - applied) + (noted - credited)
    assert noted <= invoice.gross_total
