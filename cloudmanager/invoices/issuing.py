"""Issuing and voiding invoices.

Issuing locks the draft, freezes the customer's name, address and VAT id and
each line's tax (asked again for the issue date), recomputes the totals, and
takes the next number of the series last, so the counter row is locked for as
short a time as possible. Everything happens in the caller's transaction: if it
rolls back, the number is given back too.
"""

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from cloudmanager.core.audit import audit
from cloudmanager.core.errors import Conflict, ValidationFailed
from cloudmanager.core.timeutil import utcnow
from cloudmanager.extensions import db
from cloudmanager.infra.queue import enqueue
from cloudmanager.invoices.breakdown import store_breakdown
from cloudmanager.invoices.calculation import LineInput, Totals, compute_totals, line_net
from cloudmanager.invoices.drafts import apply_totals
from cloudmanager.invoices.events import emit
from cloudmanager.invoices.models import DRAFT, ISSUED, VOID, Invoice
from cloudmanager.invoices.numbering import allocate_number
from cloudmanager.invoices.status import today
from cloudmanager.invoices.taxes import resolve_tax


def lock_invoice(invoice_id: int) -> Invoice:
    """The invoice, re-read and locked FOR UPDATE until the transaction ends."""
    invoice = db.session.execute(
        select(Invoice)
        .where(Invoice.id == invoice_id)
        .with_for_update(of=Invoice)
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if invoice is None:
        raise Conflict("This invoice no longer exists.")
    return invoice


def billing_address(customer: Any) -> str:
    """The customer's postal address as printed on invoices."""
    from cloudmanager.core.countries import country_name

    city = " ".join(part for part in (customer.postcode, customer.city) if part)
    parts = [customer.address_line1, customer.address_line2, city, country_name(customer.country)]
    return "\n".join(part for part in parts if part)


def _freeze_customer(invoice: Invoice) -> None:
    customer = invoice.customer
    invoice.bill_name = customer.name
    invoice.bill_address = billing_address(customer)
    invoice.bill_country = customer.country
    invoice.bill_vat_id = customer.vat_id or ""
    invoice.customer_number = customer.number


def _freeze_taxes(invoice: Invoice, on: date) -> Totals:
    errors = {}
    for index, line in enumerate(invoice.lines):
        try:
            tax = resolve_tax(invoice.customer, line.tax_rate_id, on)
        except ValueError as exc:
            errors[f"lines-{index}-tax_rate_id"] = str(exc)
            continue
        line.tax_rate_id, line.tax_name = tax.rate_id, tax.name
        line.tax_rate, line.reverse_charge = tax.percent, tax.reverse_charge
        line.net = line_net(line.quantity, line.unit_price, line.discount)
        line.issue_date = on
    if errors:
        raise ValidationFailed(errors, "A tax rate no longer applies; edit the draft.")
    totals = compute_totals(
        [
            LineInput(ln.quantity, ln.unit_price, ln.tax_rate, ln.discount, ln.reverse_charge)
            for ln in invoice.lines
        ]
    )
    apply_totals(invoice, totals)
    return totals


def issue_invoice(
    invoice: Invoice, *, by: Any, on: date | None = None, notify: bool = True
) -> Invoice:
    """Give a draft its number, dates and frozen data; from now on it never changes.

    `notify=False` skips the customer email (demo data, imports of old invoices).
    """
    invoice = lock_invoice(invoice.id)
    if invoice.state != DRAFT:
        raise Conflict(f"Invoice {invoice.display_number} is already issued.")
    if not invoice.lines:
        raise ValidationFailed({"lines": "Add at least one line before issuing."})
    if invoice.customer.status != "active":
        raise Conflict("The customer is deactivated; reactivate them to issue invoices.")
    on = on or today()
    _freeze_customer(invoice)
    totals = _freeze_taxes(invoice, on)
    if invoice.gross_total <= 0:
        raise ValidationFailed({"lines": "An invoice must be for more than zero."})
    number = allocate_number("invoice", on=on)
    invoice.number, invoice.sequence = number.text, number.sequence
    invoice.issue_date = on
    invoice.due_date = on + timedelta(days=invoice.payment_terms_days)
    invoice.state = ISSUED
    invoice.issued_at = utcnow()
    invoice.revision = 1
    store_breakdown(invoice.lines, totals, invoice=invoice, on=on)
    db.session.flush()
    audit(
        "invoice.issued",
        invoice,
        before={"state": DRAFT},
        after={
            "state": ISSUED,
            "number": invoice.number,
            "gross_total": invoice.gross_total,
            "due_date": invoice.due_date,
        },
        summary=f"Issued {invoice.number} for {invoice.gross_total} {invoice.currency}",
        actor=by,
    )
    enqueue("cloudmanager.invoices.jobs.render_invoice_pdf", invoice.id, invoice.revision)
    if notify:
        _email_on_issue(invoice, by)
    emit("invoice.issued", invoice)
    return invoice


def _email_on_issue(invoice: Invoice, by: Any) -> None:
    from cloudmanager.invoices.emails import queue_invoice_email, recipients_for
    from cloudmanager.settings.notifications import notification_enabled

    if notification_enabled("invoice_issued") and recipients_for(invoice):
        queue_invoice_email(invoice, f"invoice:{invoice.id}:issued", by=by)


def void_invoice(invoice: Invoice, reason: str, *, by: Any) -> Invoice:
    """Cancel an issued invoice that nothing was paid or credited on; the number stays used."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": "Say why the invoice is voided."})
    invoice = lock_invoice(invoice.id)
    if invoice.state != ISSUED:
        raise Conflict("Only issued invoices can be voided.")
    if invoice.paid_total > 0 or invoice.credited_total > 0:
        raise Conflict(
            "Payments or credit notes are recorded on this invoice; issue a credit note instead."
        )
    invoice.state = VOID
    invoice.void_reason = reason[:2000]
    invoice.voided_at = utcnow()
    audit(
        "invoice.voided",
        invoice,
        before={"state": ISSUED},
        after={"state": VOID, "reason": invoice.void_reason},
        summary=f"Voided {invoice.number}",
        actor=by,
    )
    emit("invoice.voided", invoice, reason=invoice.void_reason)
    new_revision(invoice)
    return invoice


def new_revision(invoice: Invoice) -> None:
    """What the PDF prints changed (void stamp, payments, credit notes): render a new revision.

    The job renders it once in the background; until then the stored earlier
    revision is what a download gets. Reminders attach the current one, so a
    partly paid invoice's reminder asks for the balance due, not the gross.
    """
    invoice.revision += 1
    enqueue("cloudmanager.invoices.jobs.render_invoice_pdf", invoice.id, invoice.revision)
