"""Credit notes (corrections of issued invoices) and customers' account credit.

Amounts are `Money` columns. A credit note keeps the invoice's frozen prices and
taxes per line; account credit is a ledger of signed movements per customer.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cloudmanager.core.money import ZERO, Money
from cloudmanager.core.timeutil import utcnow
from cloudmanager.extensions import db

if TYPE_CHECKING:
    from cloudmanager.invoices.models import Invoice


class CreditNote(db.Model):
    """A correction of an issued invoice (all or some lines), with its own number series."""

    __tablename__ = "credit_notes"
    __audit_type__ = "credit_note"
    __table_args__ = (
        UniqueConstraint("number", name="uq_credit_notes_number"),
        Index("ix_credit_notes_issue_date", "issue_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(
        ForeignKey("invoices.id", ondelete="RESTRICT"), index=True
    )
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="RESTRICT"), index=True
    )
    number: Mapped[str] = mapped_column(String(40))
    sequence: Mapped[int]
    issue_date: Mapped[date]
    reason: Mapped[str] = mapped_column(Text, default="")
    net_total: Mapped[Decimal] = mapped_column(Money(), default=ZERO)
    tax_total: Mapped[Decimal] = mapped_column(Money(), default=ZERO)
    gross_total: Mapped[Decimal] = mapped_column(Money(), default=ZERO)
    applied_to_invoice: Mapped[Decimal] = mapped_column(Money(), default=ZERO)
    to_customer_credit: Mapped[Decimal] = mapped_column(Money(), default=ZERO)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    invoice: Mapped["Invoice"] = relationship(back_populates="credit_notes")
    lines: Mapped[list["CreditNoteLine"]] = relationship(
        cascade="all, delete-orphan", order_by="CreditNoteLine.position"
    )


class CreditNoteLine(db.Model):
    """A credited (part of an) invoice line, at the invoice's frozen price and tax."""

    __tablename__ = "credit_note_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    credit_note_id: Mapped[int] = mapped_column(
        ForeignKey("credit_notes.id", ondelete="CASCADE"), index=True
    )
    invoice_line_id: Mapped[int] = mapped_column(
        ForeignKey("invoice_lines.id", ondelete="RESTRICT"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    description: Mapped[str] = mapped_column(Text)
    quantity: Mapped[Decimal] = mapped_column(Money(scale=3))
    unit_price: Mapped[Decimal] = mapped_column(Money(scale=4))
    discount: Mapped[Decimal] = mapped_column(Money(), default=ZERO)
    tax_name: Mapped[str] = mapped_column(String(80), default="")
    tax_rate: Mapped[Decimal] = mapped_column(Money(scale=2, precision=5), default=ZERO)
    reverse_charge: Mapped[bool] = mapped_column(default=False)
    net: Mapped[Decimal] = mapped_column(Money(), default=ZERO)


class CreditEntry(db.Model):
    """A movement on a customer's account credit: + overpayment or credit note, − applied."""

    __tablename__ = "customer_credit_entries"
    __audit_type__ = "customer_credit"
    __table_args__ = (Index("ix_customer_credit_entries_customer_id_id", "customer_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="RESTRICT"))
    amount: Mapped[Decimal] = mapped_column(Money())  # signed
    kind: Mapped[str] = mapped_column(String(20))  # overpayment, credit_note, applied
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id", ondelete="RESTRICT"))
    credit_note_id: Mapped[int | None] = mapped_column(
        ForeignKey("credit_notes.id", ondelete="RESTRICT")
    )
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id", ondelete="RESTRICT"))
    description: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
