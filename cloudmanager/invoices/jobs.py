"""Background jobs: invoice and credit-note PDFs, invoice emails, and the reminder run.

Jobs take ids and are idempotent: a PDF is stored once per (document,
revision), an outbox email is sent once, a reminder step is queued once per
invoice (unique event key).
"""

import logging
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from cloudmanager.core.audit import audit
from cloudmanager.core.errors import DomainError
from cloudmanager.core.timeutil import utcnow
from cloudmanager.extensions import db
from cloudmanager.invoices.credit_models import CreditNote
from cloudmanager.invoices.models import DRAFT, ISSUED, Invoice, InvoiceDocument, InvoiceEmail
from cloudmanager.periodic import register_periodic

log = logging.getLogger(__name__)

register_periodic("invoice-reminders", 3600, "cloudmanager.invoices.jobs.send_due_reminders")


def stored_document(kind: str, object_id: int, revision: int) -> InvoiceDocument | None:
    """The stored PDF of a document revision, if it was rendered."""
    return db.session.scalar(
        select(InvoiceDocument).where(
            InvoiceDocument.kind == kind,
            InvoiceDocument.object_id == object_id,
            InvoiceDocument.revision == revision,
        )
    )


def _store(kind: str, object_id: int, revision: int, pdf: bytes, name: str) -> InvoiceDocument:
    from cloudmanager.infra.storage import delete_stored, save_bytes

    stored = save_bytes(pdf, name, allowed={"pdf"}, max_bytes=50 * 1024 * 1024)
    document = InvoiceDocument(
        kind=kind,
        object_id=object_id,
        revision=revision,
        file_key=stored.key,
        sha256=stored.sha256,
        size=stored.size,
    )
    db.session.add(document)
    try:
        db.session.commit()
    except IntegrityError:  # a concurrent run stored this revision first: keep theirs
        db.session.rollback()
        delete_stored(stored.key)
        return stored_document(kind, object_id, revision)
    return document


def render_invoice_pdf(invoice_id: int, revision: int | None = None) -> InvoiceDocument | None:
    """Render and store the PDF of an issued (or void) invoice's current revision, once."""
    from cloudmanager.infra.pdf import render_pdf_template
    from cloudmanager.invoices.documents import invoice_context

    invoice = db.session.get(Invoice, invoice_id)
    if invoice is None or invoice.state == DRAFT:
        return None
    existing = stored_document("invoice", invoice.id, invoice.revision)
    if existing is not None:
        return existing
    pdf = render_pdf_template("pdf/invoice.html", **invoice_context(invoice))
    return _store("invoice", invoice.id, invoice.revision, pdf, f"{invoice.number}.pdf")


def render_credit_note_pdf(note_id: int) -> InvoiceDocument | None:
    """Render and store a credit note's PDF, once."""
    from cloudmanager.infra.pdf import render_pdf_template
    from cloudmanager.invoices.documents import credit_note_context

    note = db.session.get(CreditNote, note_id)
    if note is None:
        return None
    existing = stored_document("credit_note", note.id, 1)
    if existing is not None:
        return existing
    pdf = render_pdf_template("pdf/credit_note.html", **credit_note_context(note))
    return _store("credit_note", note.id, 1, pdf, f"{note.number}.pdf")


def send_invoice_email(email_id: int) -> bool:
    """Send one outbox row (invoice or reminder) with the invoice PDF attached; once."""
    from cloudmanager.infra.mail import Attachment, send_email
    from cloudmanager.infra.storage import read_stored
    from cloudmanager.invoices.emails import KINDS, notification_context
    from cloudmanager.settings.notifications import render_notification

    row = db.session.get(InvoiceEmail, email_id)
    if row is None or row.sent_at is not None:
        return False
    invoice = db.session.get(Invoice, row.invoice_id)
    document = render_invoice_pdf(invoice.id)
    subject, text, html = render_notification(KINDS[row.kind], notification_context(invoice))
    attachment = Attachment(
        f"{invoice.number}.pdf", "application/pdf", read_stored(document.file_key)
    )
    send_email(
        [address.strip() for address in row.recipients.split(",") if address.strip()],
        subject,
        "notification",
        attachments=[attachment],
        body_text=text,
        body_html=html,
    )
    row.sent_at = utcnow()
    audit(
        f"invoice.{row.kind}_sent",
        invoice,
        after={"to": row.recipients, "event": row.event_key, "subject": subject},
        summary=(
            f"Reminder ({row.event_key.split(':')[2]}) for {invoice.number} sent to {row.recipients}"
            if row.kind == "reminder"
            else f"Emailed {invoice.number} to {row.recipients}"
        ),
    )
    db.session.commit()
    return True


def send_due_reminders() -> int:
    """Queue the reminder step each unpaid invoice has reached (once per invoice and step)."""
    from cloudmanager.invoices.emails import current_step, queue_invoice_email, reminder_steps
    from cloudmanager.invoices.status import today
    from cloudmanager.settings.notifications import notification_enabled

    steps = reminder_steps()
    if not steps or not notification_enabled("reminder"):
        return 0
    on = today()
    earliest_due = on - timedelta(days=max(offset for _, offset in steps))
    latest_due = on - timedelta(days=min(offset for _, offset in steps))
    candidates = db.session.scalars(
        select(Invoice)
        .where(Invoice.state == ISSUED, Invoice.balance > 0)
        .where(Invoice.due_date >= earliest_due - timedelta(days=60))
        .where(Invoice.due_date <= latest_due)
        .order_by(Invoice.id)
    ).all()
    queued = 0
    for invoice in candidates:
        step = current_step(invoice.due_date, invoice.issue_date, on)
        if step is None:
            continue
        try:
            row = queue_invoice_email(invoice, f"reminder:{invoice.id}:{step}", kind="reminder")
        except DomainError as exc:  # one customer without an address must not stop the run
            log.warning("reminder for invoice %s not queued: %s", invoice.id, exc)
            continue
        queued += row is not None
    db.session.commit()
    return queued


def render_statement_pdf(customer_id: int) -> InvoiceDocument | None:
    """Render and store the customer's account statement, once per distinct content."""
    from cloudmanager.customers.models import Customer
    from cloudmanager.infra.pdf import render_pdf_template
    from cloudmanager.invoices.documents import company_details, logo_data_uri
    from cloudmanager.invoices.statements import statement_entries, statement_revision
    from cloudmanager.invoices.status import today

    customer = db.session.get(Customer, customer_id)
    if customer is None:
        return None
    entries = statement_entries(customer_id)
    revision = statement_revision(entries)
    existing = stored_document("statement", customer_id, revision)
    if existing is not None:
        return existing
    company = company_details()
    pdf = render_pdf_template(
        "pdf/statement.html",
        customer=customer,
        entries=entries,
        company=company,
        company_name=company["legal_name"],
        logo_url=logo_data_uri(),
        on=today(),
    )
    return _store("statement", customer_id, revision, pdf, f"statement-{customer.number}.pdf")
