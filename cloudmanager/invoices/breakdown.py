"""The VAT breakdown of issued documents, stored as issued: one row per rate.

The tax report sums these rows; they hold exactly the tax each invoice and
credit note carries (a closing credit note's adjusted tax included).
"""

from datetime import date
from decimal import Decimal
from typing import Any, Iterable

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from cloudmanager.core.money import ZERO, Money
from cloudmanager.extensions import db
from cloudmanager.invoices.calculation import Totals


class TaxBreakdown(db.Model):
    """One rate of an issued invoice's or credit note's VAT breakdown (EN 16931 BG-23).

    Written when the document is issued, with the amounts it carries (a closing
    credit note's tax included), so the tax report sums stored figures instead
    of recomputing every document.
    """

    __tablename__ = "tax_breakdowns"
    __table_args__ = (
        Index(
            "ix_tax_breakdowns_issue_date",
            "issue_date",
            postgresql_include=[
                "invoice_id",
                "credit_note_id",
                "currency",
                "tax_name",
                "rate",
                "reverse_charge",
                "taxable",
                "tax",
            ],
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(
        ForeignKey("invoices.id", ondelete="RESTRICT"), index=True
    )  # for a credit note: the invoice it corrects
    credit_note_id: Mapped[int | None] = mapped_column(
        ForeignKey("credit_notes.id", ondelete="RESTRICT"), index=True
    )
    issue_date: Mapped[date]
    currency: Mapped[str] = mapped_column(String(3))
    tax_name: Mapped[str] = mapped_column(String(80), default="")
    rate: Mapped[Decimal] = mapped_column(Money(scale=2, precision=5))
    reverse_charge: Mapped[bool] = mapped_column(default=False)
    taxable: Mapped[Decimal] = mapped_column(Money())
    tax: Mapped[Decimal] = mapped_column(Money())


def store_breakdown(
    lines: Iterable[Any], totals: Totals, *, invoice: Any, on: date, credit_note: Any = None
) -> None:
    """Add a row per tax group of `totals`, named after the lines taxed at that rate."""
    names: dict[tuple, str] = {}
    for line in lines:
        rate = ZERO if line.reverse_charge else line.tax_rate
        names.setdefault((rate, line.reverse_charge), line.tax_name)
    for group in totals.tax_groups:
        db.session.add(
            TaxBreakdown(
                invoice_id=invoice.id,
                credit_note_id=credit_note.id if credit_note is not None else None,
                issue_date=on,
                currency=invoice.currency,
                tax_name=names.get((group.rate, group.reverse_charge), ""),
                rate=group.rate,
                reverse_charge=group.reverse_charge,
                taxable=group.taxable,
                tax=group.tax,
            )
        )
