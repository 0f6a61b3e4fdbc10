"""API schemas of invoices and payments (amounts are decimal strings, never floats)."""

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import Field

from cloudmanager.api.listing import sort_param, sort_type
from cloudmanager.api.schemas import (
    ApiModel,
    BodyModel,
    Day,
    Id,
    ListQuery,
    Money,
    Quantity,
    Timestamp,
    UnitPrice,
    text,
)
from cloudmanager.invoices.drafts import MAX_DESCRIPTION, MAX_LINES
from cloudmanager.invoices.models import PAYMENT_METHODS, STATUS_LABELS

InvoiceStatus = Literal[tuple(STATUS_LABELS)]
PaymentMethod = Literal[tuple(PAYMENT_METHODS)]


InvoiceSort = sort_type(("created",))
PaymentSort = sort_type(("created",))


class InvoiceLineOut(ApiModel):
    """A line: quantity × unit price − discount, and its tax (frozen at issue)."""

    id: int
    position: int
    product_id: int | None
    description: str
    quantity: Decimal
    unit_price: Decimal
    discount: Decimal
    tax_rate_id: int | None
    tax_name: str
    tax_rate: Decimal
    reverse_charge: bool
    net: Decimal


class InvoiceOut(ApiModel):
    """A draft (no number yet), issued or void invoice with its lines and balance."""

    id: int
    number: str | None
    customer_id: int
    state: Literal["draft", "issued", "void"]
    status: InvoiceStatus
    currency: str
    issue_date: date | None
    due_date: date | None
    payment_terms_days: int
    notes: str
    bill_name: str
    bill_address: str
    bill_country: str
    bill_vat_id: str
    customer_number: str
    net_total: Decimal
    tax_total: Decimal
    gross_total: Decimal
    paid_total: Decimal
    credited_total: Decimal
    balance: Decimal
    void_reason: str
    lines: list[InvoiceLineOut]
    issued_at: Timestamp | None
    voided_at: Timestamp | None
    created_at: Timestamp

    @classmethod
    def of(cls, invoice) -> "InvoiceOut":
        """Build from an Invoice row."""
        return cls.model_validate(invoice)


class InvoiceLineIn(BodyModel):
    """A line of a draft; the tax rate defaults to the customer's country rate."""

    description: text(MAX_DESCRIPTION, min_length=1)
    quantity: Quantity = Field(examples=["1"])
    unit_price: UnitPrice = Field(examples=["49.00"])
    discount: Money | None = None
    tax_rate_id: Id | None = None
    product_id: Id | None = None

    def row(self) -> dict:
        """As the draft editor posts it."""
        return {key: "" if value is None else value for key, value in self.model_dump().items()}


class InvoiceIn(BodyModel):
    """A new draft invoice."""

    customer_id: Id
    lines: list[InvoiceLineIn] = Field(default_factory=list, max_length=MAX_LINES)
    notes: text(5000) = ""
    payment_terms_days: int | None = Field(
        None, ge=0, le=365, description="Default: the customer's terms"
    )


class InvoicePatch(BodyModel):
    """New lines (replacing all), notes or terms of a draft."""

    lines: list[InvoiceLineIn] | None = Field(None, max_length=MAX_LINES)
    notes: text(5000) | None = None
    payment_terms_days: int | None = Field(None, ge=0, le=365)


class VoidIn(BodyModel):
    """Why the invoice is voided (required)."""

    reason: text(2000, min_length=1)


class InvoiceQuery(ListQuery):
    """Filters of the invoice list."""

    status: InvoiceStatus | None = None
    customer_id: Id | None = None
    date_from: Day | None = Field(None, description="Issued on or after this day")
    date_to: Day | None = Field(None, description="Issued on or before this day")
    q: text(40) = Field("", description="Start of the invoice number")
    sort: InvoiceSort = sort_param("-created")


class PaymentOut(ApiModel):
    """Money received for an invoice; `applied` went to the invoice, the rest became credit."""

    id: int
    invoice_id: int
    customer_id: int
    amount: Decimal
    applied: Decimal
    method: PaymentMethod
    reference: str | None
    received_on: date
    note: str
    created_at: Timestamp

    @classmethod
    def of(cls, payment) -> "PaymentOut":
        """Build from a Payment row."""
        return cls.model_validate(payment)


class PaymentIn(BodyModel):
    """A payment; (method, reference) is unique, so a repeated post is refused with a 409."""

    amount: Money = Field(examples=["119.00"])
    method: PaymentMethod = Field(examples=["bank_transfer"])
    reference: text(120) = Field(
        "", description="Bank or card reference (required for those methods)"
    )
    received_on: Day | None = Field(None, description="Default: today")
    note: text(2000) = ""


class PaymentQuery(ListQuery):
    """Paging of an invoice's payments (oldest first)."""

    sort: PaymentSort = sort_param("created")
