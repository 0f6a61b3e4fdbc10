"""Invoices and their lines, payments, PDFs and reminders (credit notes: `credit_models`).

Amounts are `Money` columns. An invoice stores its totals and the running sums
of payments and credit notes applied to it (kept by the services under a row
lock), so lists can filter and sum by balance and status in SQL.
"""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    and_,
    case,
    literal,
    text,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cloudmanager.core.money import ZERO, Money
from cloudmanager.core.timeutil import utcnow
from cloudmanager.extensions import db
from cloudmanager.invoices.breakdown import TaxBreakdown  # noqa: F401  (its table)
from cloudmanager.invoices.credit_models import CreditNote  # noqa: F401  (with its tables)
from cloudmanager.invoices.numbering import NumberCounter  # noqa: F401  (its table)

DRAFT, ISSUED, VOID = "draft", "issued", "void"
STATUS_LABELS = {
    "draft": "Draft",
    "issued": "Issued",
    "partially_paid": "Partially paid",
    "paid": "Paid",
    "overdue": "Overdue",
    "void": "Void",
}
STATUS_BADGES = {
    "draft": "text-bg-secondary",
    "issued": "text-bg-primary",
    "partially_paid": "text-bg-info",
    "paid": "text-bg-success",
    "overdue": "text-bg-danger",
    "void": "text-bg-dark",
}
PAYMENT_METHODS = {
    "bank_transfer": "Bank transfer",
    "card": "Card",
    "cash": "Cash",
    "account_credit": "Account credit",
}


REVENUE_COLUMNS = ["state", "currency", "customer_id", "net_total", "tax_total", "gross_total"]
OPEN_PREDICATE = "state = 'issued' AND gross_total - paid_total - credited_total > 0"


class Invoice(db.Model):
    """A draft, issued or void invoice; issued ones are never edited or deleted."""

    __tablename__ = "invoices"
    __audit_type__ = "invoice"
    __table_args__ = (
        UniqueConstraint("number", name="uq_invoices_number"),
        Index("ix_invoices_customer_id_id", "customer_id", "id"),
        Index("ix_invoices_state_id", "state", "id"),
        Index("ix_invoices_due_date", "due_date"),
        # The included columns let revenue reports sum a period from the index alone.
        Index(
            "ix_invoices_issue_date_id",
            "issue_date",
            "id",
            postgresql_include=REVENUE_COLUMNS,
        ),
        # Open invoices (issued, balance above zero): what receivables and the aging read,
        # without visiting the table on PostgreSQL.
        Index(
            "ix_invoices_open",
            "customer_id",
            "due_date",
            postgresql_where=text(OPEN_PREDICATE),
            sqlite_where=text(OPEN_PREDICATE),
            postgresql_include=[
                "id",
                "issue_date",
                "currency",
                "gross_total",
                "paid_total",
                "credited_total",
            ],
        ),
        # Reports find the (few) invoices in other currencies than the one asked for.
        Index("ix_invoices_currency", "currency"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="RESTRICT"))
    state: Mapped[str] = mapped_column(String(10), default=DRAFT)
    number: Mapped[str | None] = mapped_column(String(40))
    sequence: Mapped[int | None]
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    issue_date: Mapped[date | None]
    due_date: Mapped[date | None]
    payment_terms_days: Mapped[int] = mapped_column(default=14)
    notes: Mapped[str] = mapped_column(Text, default="")
    # Frozen at issue: who was billed, where, under which VAT id.
    bill_name: Mapped[str] = mapped_column(String(200), default="")
    bill_address: Mapped[str] = mapped_column(Text, default="")
    bill_country: Mapped[str] = mapped_column(String(2), default="")
    bill_vat_id: Mapped[str] = mapped_column(String(32), default="")
    customer_number: Mapped[str] = mapped_column(String(20), default="")
    net_total: Mapped[Decimal] = mapped_column(Money(), default=ZERO)
    tax_total: Mapped[Decimal] = mapped_column(Money(), default=ZERO)
    gross_total: Mapped[Decimal] = mapped_column(Money(), default=ZERO)
    paid_total: Mapped[Decimal] = mapped_column(Money(), default=ZERO)
    credited_total: Mapped[Decimal] = mapped_column(Money(), default=ZERO)
    revision: Mapped[int] = mapped_column(default=0)  # bumps on issue and void (new PDF)
    void_reason: Mapped[str] = mapped_column(Text, default="")
    voided_at: Mapped[datetime | None]
    issued_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    customer = relationship("Customer", lazy="joined", innerjoin=True)
    lines: Mapped[list["InvoiceLine"]] = relationship(
        back_populates="invoice", cascade="all, delete-orphan", order_by="InvoiceLine.position"
    )
    payments: Mapped[list["Payment"]] = relationship(
        back_populates="invoice", order_by="Payment.id"
    )
    credit_notes: Mapped[list["CreditNote"]] = relationship(
        back_populates="invoice", order_by="CreditNote.id"
    )

    @hybrid_property
    def balance(self) -> Decimal:
        """Gross − payments − credit notes applied (never below zero: excess is credit)."""
        return self.gross_total - self.paid_total - self.credited_total

    @hybrid_property
    def status(self) -> str:
        """draft, void, paid, overdue, partially paid or issued (derived, see the SQL twin)."""
        from cloudmanager.invoices.status import derive_status

        return derive_status(self)

    @status.inplace.expression
    @classmethod
    def _status_expression(cls):
        from cloudmanager.invoices.status import today

        open_balance = cls.gross_total - cls.paid_total - cls.credited_total
        return case(
            (cls.state != ISSUED, cls.state),
            (open_balance <= literal(ZERO, Money()), literal("paid")),
            (and_(cls.due_date.is_not(None), cls.due_date < today()), literal("overdue")),
            (cls.paid_total + cls.credited_total > literal(ZERO, Money()), "partially_paid"),
            else_=literal("issued"),
        )

    @property
    def is_draft(self) -> bool:
        """True while the invoice can still be edited."""
        return self.state == DRAFT

    @property
    def display_number(self) -> str:
        """The number, or "Draft #id" before issue."""
        return self.number or f"Draft #{self.id}"

    def __repr__(self) -> str:
        return f"<Invoice {self.display_number} {self.state}>"


class InvoiceLine(db.Model):
    """One line: a product or free text, quantity × unit price − discount, and its tax."""

    __tablename__ = "invoice_lines"
    __table_args__ = (
        Index("ix_invoice_lines_invoice_id_position", "invoice_id", "position"),
        # Revenue by product reads the lines of a period without touching the invoices.
        Index(
            "ix_invoice_lines_issue_date",
            "issue_date",
            "invoice_id",
            postgresql_include=["product_id", "net"],
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("products.id", ondelete="SET NULL"), index=True
    )
    description: Mapped[str] = mapped_column(Text)
    quantity: Mapped[Decimal] = mapped_column(Money(scale=3))
    unit_price: Mapped[Decimal] = mapped_column(Money(scale=4))
    discount: Mapped[Decimal] = mapped_column(Money(), default=ZERO)
    tax_rate_id: Mapped[int | None] = mapped_column(ForeignKey("tax_rates.id", ondelete="SET NULL"))
    tax_name: Mapped[str] = mapped_column(String(80), default="")
    tax_rate: Mapped[Decimal] = mapped_column(Money(scale=2, precision=5), default=ZERO)
    reverse_charge: Mapped[bool] = mapped_column(default=False)
    net: Mapped[Decimal] = mapped_column(Money(), default=ZERO)
    issue_date: Mapped[date | None]  # the invoice's, copied when it is issued

    invoice: Mapped[Invoice] = relationship(back_populates="lines")


class Payment(db.Model):
    """Money received for an invoice; (method, reference) is unique, so a repeat is refused."""

    __tablename__ = "payments"
    __audit_type__ = "payment"
    __table_args__ = (
        UniqueConstraint("method", "reference", name="uq_payments_method_reference"),
        CheckConstraint("amount > 0", name="amount_positive"),
        Index(
            "ix_payments_received_on",
            "received_on",
            postgresql_include=[
                "invoice_id",
                "customer_id",
                "method",
                "amount",
                "applied",
                "invoice_issue_date",
            ],
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(
        ForeignKey("invoices.id", ondelete="RESTRICT"), index=True
    )
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="RESTRICT"), index=True
    )
    # The invoice's issue date (fixed once issued): the aging as of a past day finds the
    # payments that came later for invoices issued by then without reading the invoices.
    invoice_issue_date: Mapped[date]
    amount: Mapped[Decimal] = mapped_column(Money())  # what was received
    applied: Mapped[Decimal] = mapped_column(Money())  # what went to the invoice
    method: Mapped[str] = mapped_column(String(20))
    reference: Mapped[str | None] = mapped_column(String(120))
    received_on: Mapped[date]
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    invoice: Mapped[Invoice] = relationship(back_populates="payments")

    @property
    def method_label(self) -> str:
        """Human name of the payment method."""
        return PAYMENT_METHODS.get(self.method, self.method)


class InvoiceDocument(db.Model):
    """A rendered PDF, stored once per (document, revision) with its sha256."""

    __tablename__ = "invoice_documents"
    __table_args__ = (
        UniqueConstraint("kind", "object_id", "revision", name="uq_invoice_documents_revision"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # invoice, credit_note
    object_id: Mapped[int]
    revision: Mapped[int]
    file_key: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class InvoiceEmail(db.Model):
    """Outbox of invoice emails and reminders: one row per event key, sent at most once."""

    __tablename__ = "invoice_emails"
    __table_args__ = (UniqueConstraint("event_key", name="uq_invoice_emails_event_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(
        ForeignKey("invoices.id", ondelete="RESTRICT"), index=True
    )
    event_key: Mapped[str] = mapped_column(String(120))  # e.g. "reminder:42:after-7"
    kind: Mapped[str] = mapped_column(String(20))  # invoice, reminder
    recipients: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
