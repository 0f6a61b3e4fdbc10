"""Invoice pages: the list (filters, sum, CSV), the invoice page, PDF downloads, customer tab."""

from flask import Response, abort, render_template, request, stream_with_context
from sqlalchemy import select

from cloudmanager.auth.models import AuditEntry
from cloudmanager.core.htmx import htmx_only, render_page
from cloudmanager.core.navigation import NavItem, register_nav
from cloudmanager.core.permissions import can
from cloudmanager.core.timeutil import utcnow
from cloudmanager.extensions import db
from cloudmanager.invoices import bp
from cloudmanager.invoices.credit_models import CreditNote
from cloudmanager.invoices.documents import stored_totals
from cloudmanager.invoices.jobs import stored_document
from cloudmanager.invoices.models import (
    STATUS_BADGES,
    STATUS_LABELS,
    Invoice,
    InvoiceDocument,
    InvoiceEmail,
)
from cloudmanager.invoices.payments import credit_balance
from cloudmanager.invoices.queries import InvoiceFilters, export_csv, invoice_page, list_summary

register_nav(NavItem("Invoices", "receipt", "invoices.index", "invoices.view", order=40))


@bp.context_processor
def invoice_helpers() -> dict:
    """Permission checks and status labels in the invoice templates."""
    return {"can": can, "status_labels": STATUS_LABELS, "status_badges": STATUS_BADGES}


def get_invoice(invoice_id: int) -> Invoice:
    """The invoice or a 404."""
    return db.get_or_404(Invoice, invoice_id)


@bp.get("/")
def index():
    """Invoices with filters and keyset pages; the sums of the filtered set load after."""
    from cloudmanager.customers.models import Customer

    filters = InvoiceFilters.from_args(request.args)
    customer = db.session.get(Customer, filters.customer_id) if filters.customer_id else None
    return render_page(
        "invoices/index.html",
        "invoices/_results.html",
        filters=filters,
        page=invoice_page(filters),
        customer=customer,
    )


@bp.get("/summary")
@htmx_only
def summary():
    """The count and sums per currency of the filtered set (loaded by the list after its rows)."""
    filters = InvoiceFilters.from_args(request.args)
    return render_template("invoices/_summary.html", summary=list_summary(filters))


@bp.get("/export.csv")
def export():
    """The filtered invoices as CSV, streamed in keyset chunks."""
    filters = InvoiceFilters.from_args(request.args)
    name = f"invoices-{utcnow():%Y%m%d-%H%M}.csv"
    return Response(
        stream_with_context(export_csv(filters)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def timeline(invoice: Invoice) -> list[AuditEntry]:
    """The invoice's audited history, newest first."""
    return db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.object_type == "invoice", AuditEntry.object_id == str(invoice.id))
        .order_by(AuditEntry.id.desc())
        .limit(100)
    ).all()


PDF_POLLS = 30  # the page asks every 2 s for a minute whether the new PDF is there


@bp.get("/<int:invoice_id>")
def detail(invoice_id: int):
    """One invoice: lines, totals, payments, credit notes, emails and timeline."""
    invoice = get_invoice(invoice_id)
    emails = db.session.scalars(
        select(InvoiceEmail).where(InvoiceEmail.invoice_id == invoice.id).order_by(InvoiceEmail.id)
    ).all()
    pdf = latest_invoice_pdf(invoice)
    poll = request.args.get("poll", "0")
    return render_page(
        "invoices/detail.html",
        invoice=invoice,
        pdf_current=pdf is not None and pdf.revision == invoice.revision,
        pdf_poll=int(poll) + 1 if poll.isdigit() and int(poll) < PDF_POLLS else None,
        totals=stored_totals(invoice),
        emails=emails,
        pdf=pdf,
        history=timeline(invoice),
        credit=credit_balance(invoice.customer_id),
    )


def _send_pdf(document: InvoiceDocument | None, name: str, missing: str):
    """The stored PDF as a download named `name`, or a 404 saying `missing`."""
    from cloudmanager.infra.storage import send_stored

    if document is None:
        abort(404, missing)
    return send_stored(document.file_key, name, "application/pdf")


RENDERING = "The PDF is still being rendered; try again in a moment."


@bp.get("/<int:invoice_id>/pdf")
def pdf(invoice_id: int):
    """Download the PDF of the invoice's current revision."""
    invoice = get_invoice(invoice_id)
    document = None if invoice.is_draft else latest_invoice_pdf(invoice)
    return _send_pdf(document, f"{invoice.number}.pdf", RENDERING)


def latest_invoice_pdf(invoice: Invoice) -> InvoiceDocument | None:
    """The newest stored PDF of the invoice: its current revision, or while that renders
    (after a payment, a credit note or a void) the one before."""
    return db.session.scalar(
        select(InvoiceDocument)
        .where(InvoiceDocument.kind == "invoice", InvoiceDocument.object_id == invoice.id)
        .order_by(InvoiceDocument.revision.desc())
        .limit(1)
    )


@bp.get("/credit-notes/<int:note_id>/pdf")
def credit_note_pdf(note_id: int):
    """Download a credit note's PDF."""
    note = db.get_or_404(CreditNote, note_id)
    return _send_pdf(stored_document("credit_note", note.id, 1), f"{note.number}.pdf", RENDERING)


def customer_tab(customer) -> str:
    """The "Invoices" tab of the customer page: the latest invoices and the account credit."""
    invoices = db.session.scalars(
        select(Invoice)
        .where(Invoice.customer_id == customer.id)
        .order_by(Invoice.id.desc())
        .limit(20)
    ).all()
    return render_template(
        "invoices/_customer_tab.html",
        customer=customer,
        invoices=invoices,
        statement=current_statement(customer.id),
        credit=credit_balance(customer.id),
        can=can,
        status_labels=STATUS_LABELS,
        status_badges=STATUS_BADGES,
    )


@bp.post("/statements/<int:customer_id>")
def prepare_statement(customer_id: int):
    """Render the customer's account statement in the background."""
    from flask import flash, url_for

    from cloudmanager.core.htmx import redirect_to
    from cloudmanager.customers.models import Customer
    from cloudmanager.infra.queue import enqueue

    customer = db.get_or_404(Customer, customer_id)
    enqueue("cloudmanager.invoices.jobs.render_statement_pdf", customer.id)
    db.session.commit()
    flash("The account statement is being prepared; download it in a moment.", "success")
    return redirect_to(url_for("customers.detail", customer_id=customer.id))


def current_statement(customer_id: int) -> InvoiceDocument | None:
    """The stored PDF of the customer's statement as it stands now, if rendered."""
    from cloudmanager.invoices.statements import statement_entries, statement_revision

    return stored_document(
        "statement", customer_id, statement_revision(statement_entries(customer_id))
    )


@bp.get("/statements/<int:customer_id>/pdf")
def statement_pdf(customer_id: int):
    """Download the customer's current account statement."""
    from cloudmanager.customers.models import Customer

    customer = db.get_or_404(Customer, customer_id)
    return _send_pdf(
        current_statement(customer.id),
        f"statement-{customer.number}.pdf",
        "Prepare the statement first; it is rendered in the background.",
    )
