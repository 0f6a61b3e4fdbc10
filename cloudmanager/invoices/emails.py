"""Invoice emails and reminders through an outbox: one row per event key, sent at most once.

`queue_invoice_email` writes the outbox row in the caller's transaction and
enqueues the sending job for after the commit. The unique event key
(`invoice:42:issued`, `reminder:42:after-7`, `invoice:42:manual:3`) makes a
second queueing of the same event a no-op, and the job skips rows already sent.
"""

from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from cloudmanager.core.audit import audit
from cloudmanager.core.errors import Conflict, ValidationFailed
from cloudmanager.extensions import db
from cloudmanager.infra.queue import enqueue
from cloudmanager.core.timeutil import utcnow
from cloudmanager.invoices.numbering import dialect_insert
from cloudmanager.invoices.models import ISSUED, VOID, Invoice, InvoiceEmail
from cloudmanager.invoices.status import today

KINDS = {"invoice": "invoice_issued", "reminder": "reminder"}  # outbox kind → notification


def recipients_for(invoice: Invoice) -> list[str]:
    """The customer's contacts that receive invoices, else the customer's own address."""
    customer = invoice.customer
    chosen = [c.email for c in customer.contacts if c.receives_invoices and c.email]
    return chosen or ([customer.email] if customer.email else [])


def queue_invoice_email(
    invoice: Invoice, event_key: str, *, kind: str = "invoice", by: Any = None
) -> InvoiceEmail | None:
    """Add an outbox row for `event_key` (None when that event was already queued)."""
    recipients = recipients_for(invoice)
    if not recipients:
        raise ValidationFailed({"email": "The customer has no email address for invoices."})
    # ON CONFLICT DO NOTHING rather than a savepoint: a duplicate event is not an error,
    # and the transaction (with whatever else the caller did) stays usable.
    stmt = (
        dialect_insert(InvoiceEmail)
        .values(
            invoice_id=invoice.id,
            event_key=event_key,
            kind=kind,
            recipients=", ".join(recipients),
            created_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["event_key"])
        .returning(InvoiceEmail.id)
    )
    row_id = db.session.execute(stmt).scalar_one_or_none()
    if row_id is None:
        return None
    enqueue("cloudmanager.invoices.jobs.send_invoice_email", row_id)
    return db.session.get(InvoiceEmail, row_id)


def email_invoice_now(invoice: Invoice, *, by: Any) -> InvoiceEmail:
    """Send the invoice again on demand (a new event each time)."""
    if invoice.state not in (ISSUED, VOID):
        raise Conflict("Only issued invoices can be emailed.")
    count = db.session.scalar(
        select(func.count(InvoiceEmail.id)).where(InvoiceEmail.invoice_id == invoice.id)
    )
    row = queue_invoice_email(invoice, f"invoice:{invoice.id}:manual:{count + 1}", by=by)
    if row is None:
        raise Conflict("This email is already being sent; try again in a moment.")
    audit("invoice.email_requested", invoice, after={"to": row.recipients}, actor=by)
    return row


def notification_context(invoice: Invoice) -> dict[str, Any]:
    """Plain data for the `invoice_issued` and `reminder` templates of the settings."""
    customer = invoice.customer
    days_overdue = (today() - invoice.due_date).days if invoice.due_date else 0
    base = current_app.config["SERVER_BASE_URL"].rstrip("/")
    return {
        "customer": {"name": invoice.bill_name, "company": customer.name, "email": customer.email},
        "invoice": {
            "number": invoice.number,
            "issue_date": invoice.issue_date,
            "due_date": invoice.due_date,
            "total": invoice.gross_total,
            "balance": invoice.balance,
            "currency": invoice.currency,
            "days_overdue": max(days_overdue, 0),
            "url": f"{base}/portal/invoices/{invoice.id}",
        },
    }


def reminder_steps() -> list[tuple[str, int]]:
    """(step name, days relative to the due date) from the settings, in date order."""
    from cloudmanager.settings.services import get_setting

    steps: dict[str, int] = {}
    for days in get_setting("invoicing.reminder_days_before") or []:
        steps["due" if int(days) == 0 else f"before-{int(days)}"] = -int(days)
    for days in get_setting("invoicing.reminder_days_after") or []:
        steps["due" if int(days) == 0 else f"after-{int(days)}"] = int(days)
    return sorted(steps.items(), key=lambda item: item[1])


def current_step(due_date: date, issue_date: date, on: date) -> str | None:
    """The latest reminder step reached by `on` (missed earlier steps are skipped).

    Steps falling on or before the issue date are not reminders, just the invoice.
    """
    reached = [
        name
        for name, offset in reminder_steps()
        if issue_date < date.fromordinal(due_date.toordinal() + offset) <= on
    ]
    return reached[-1] if reached else None
