"""Customer account statements: every invoice, payment and credit note with a running balance.

The balance is what the customer owes (negative: account credit). Void invoices
are left out; payments from account credit are left out too, since they move
money the statement already counts (the overpayment or credit note that made it).
A statement's revision is a digest of its entries, so its PDF is rendered once per
distinct content.
"""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select

from cloudmanager.core.money import ZERO
from cloudmanager.extensions import db
from cloudmanager.invoices.credit_models import CreditNote
from cloudmanager.invoices.models import ISSUED, Invoice, Payment


@dataclass(frozen=True)
class StatementEntry:
    """One line of a statement."""

    on: date
    kind: str  # invoice, payment, credit_note
    reference: str
    debit: Decimal
    credit: Decimal
    balance: Decimal


def statement_entries(customer_id: int) -> list[StatementEntry]:
    """The customer's account in date order with the running balance."""
    # (date, when it was recorded, kind, reference, debit, credit): same-day entries
    # keep the order in which they happened.
    raw: list[tuple[date, datetime, str, str, Decimal, Decimal]] = []
    for invoice in db.session.scalars(
        select(Invoice).where(Invoice.customer_id == customer_id, Invoice.state == ISSUED)
    ):
        raw.append(
            (
                invoice.issue_date,
                invoice.issued_at,
                "invoice",
                invoice.number,
                invoice.gross_total,
                ZERO,
            )
        )
    for payment in db.session.scalars(
        select(Payment).where(
            Payment.customer_id == customer_id, Payment.method != "account_credit"
        )
    ):
        label = f"{payment.method_label} {payment.reference or ''}".strip()
        raw.append(
            (payment.received_on, payment.created_at, "payment", label, ZERO, payment.amount)
        )
    for note in db.session.scalars(select(CreditNote).where(CreditNote.customer_id == customer_id)):
        raw.append(
            (note.issue_date, note.created_at, "credit_note", note.number, ZERO, note.gross_total)
        )
    raw.sort(key=lambda item: (item[0], item[1], item[3]))
    balance = ZERO
    entries = []
    for on, _, kind, reference, debit, credit in raw:
        balance += debit - credit
        entries.append(StatementEntry(on, kind, reference, debit, credit, balance))
    return entries


def statement_revision(entries: list[StatementEntry]) -> int:
    """A number that changes whenever the statement's content does."""
    digest = hashlib.sha256(repr(entries).encode()).hexdigest()
    return int(digest[:7], 16)
