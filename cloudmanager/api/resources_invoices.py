"""Invoice operations of the JSON API: drafts, issue, void, payments and the PDF.

Drafts, numbering (gapless, at issue), frozen customer data, payments that
are idempotent by reference and the PDF rendered by an RQ job are the
invoice services' business; these operations only call them.
"""

import logging

from flask import Response, abort, jsonify, url_for
from sqlalchemy import select

from cloudmanager.api.listing import listing, sorted_page
from cloudmanager.api.registry import api_user, created, operation
from cloudmanager.api.schemas import ListResponse, Rendering
from cloudmanager.api.schemas_invoices import (
    InvoiceIn,
    InvoiceOut,
    InvoicePatch,
    InvoiceQuery,
    PaymentIn,
    PaymentOut,
    PaymentQuery,
    VoidIn,
)
from cloudmanager.core.errors import Conflict
from cloudmanager.extensions import db
from cloudmanager.infra.queue import PendingJob, dispatch
from cloudmanager.invoices import drafts
from cloudmanager.invoices.issuing import issue_invoice, void_invoice
from cloudmanager.invoices.jobs import stored_document
from cloudmanager.invoices.models import Invoice, Payment
from cloudmanager.invoices.payments import record_payment
from cloudmanager.invoices.queries import InvoiceFilters, filtered_invoices

log = logging.getLogger(__name__)

INVOICE_KEYS = {"created": (Invoice.id,)}
PAYMENT_KEYS = {"created": (Payment.id,)}
RENDER_JOB = "cloudmanager.invoices.jobs.render_invoice_pdf"
RETRY_AFTER_SECONDS = 5


def find_invoice(invoice_id: int) -> Invoice:
    """The invoice, or a 404 problem."""
    return db.get_or_404(Invoice, invoice_id, description="There is no such invoice.")


def _customer(customer_id: int):
    from cloudmanager.customers.models import Customer

    return db.session.get(Customer, customer_id)


@operation(
    "/invoices",
    scope="invoices:read",
    tag="Invoices",
    summary="List invoices",
    query=InvoiceQuery,
    response=ListResponse[InvoiceOut],
)
def list_invoices_api(query: InvoiceQuery):
    """Invoices by status, customer, issue day and number, newest first by default."""
    filters = InvoiceFilters(
        status=query.status or "",
        customer_id=query.customer_id,
        date_from=query.date_from,
        date_to=query.date_to,
        q=query.q.strip(),
    )
    return listing(InvoiceOut, sorted_page(filtered_invoices(filters), query, INVOICE_KEYS))


@operation(
    "/invoices",
    "POST",
    scope="invoices:write",
    tag="Invoices",
    summary="Create a draft invoice",
    body=InvoiceIn,
    response=InvoiceOut,
    status=201,
)
def create_invoice_api(body: InvoiceIn):
    """A draft (no number until it is issued) for an active customer."""
    data = {
        "lines": [line.row() for line in body.lines],
        "notes": body.notes,
        "payment_terms_days": body.payment_terms_days,
    }
    invoice = drafts.create_draft(_customer(body.customer_id), data, by=api_user())
    db.session.flush()
    return created(InvoiceOut.of(invoice), url_for("api_v1.get_invoice_api", invoice_id=invoice.id))


@operation(
    "/invoices/<int:invoice_id>",
    scope="invoices:read",
    tag="Invoices",
    summary="Get an invoice",
    response=InvoiceOut,
)
def get_invoice_api(invoice_id: int):
    """One invoice with its lines, totals and balance."""
    return InvoiceOut.of(find_invoice(invoice_id))


@operation(
    "/invoices/<int:invoice_id>",
    "PATCH",
    scope="invoices:write",
    tag="Invoices",
    summary="Change a draft",
    body=InvoicePatch,
    response=InvoiceOut,
)
def update_invoice_api(invoice_id: int, body: InvoicePatch):
    """Replace a draft's lines, notes or terms; an issued invoice is a 409 (credit it instead)."""
    invoice = find_invoice(invoice_id)
    lines = body.lines
    terms = body.payment_terms_days
    data = {
        "lines": drafts.draft_rows(invoice) if lines is None else [line.row() for line in lines],
        "notes": invoice.notes if body.notes is None else body.notes,
        "payment_terms_days": invoice.payment_terms_days if terms is None else terms,
    }
    drafts.update_draft(invoice, data, by=api_user())
    db.session.flush()
    return InvoiceOut.of(invoice)


@operation(
    "/invoices/<int:invoice_id>",
    "DELETE",
    scope="invoices:write",
    tag="Invoices",
    summary="Delete a draft",
    status=204,
)
def delete_invoice_api(invoice_id: int):
    """Delete a draft; issued and void invoices are kept forever (409)."""
    drafts.delete_draft(find_invoice(invoice_id), by=api_user())
    return Response(status=204)


@operation(
    "/invoices/<int:invoice_id>/issue",
    "POST",
    scope="invoices:write",
    tag="Invoices",
    summary="Issue a draft",
    response=InvoiceOut,
)
def issue_invoice_api(invoice_id: int):
    """Give the draft the next number of the series; the PDF and email follow (emits
    `invoice.issued`)."""
    invoice = issue_invoice(find_invoice(invoice_id), by=api_user())
    return InvoiceOut.of(invoice)


@operation(
    "/invoices/<int:invoice_id>/void",
    "POST",
    scope="invoices:write",
    permission="invoices.void",
    tag="Invoices",
    summary="Void an issued invoice",
    body=VoidIn,
    response=InvoiceOut,
)
def void_invoice_api(invoice_id: int, body: VoidIn):
    """Void an issued invoice nothing was paid or credited on; the number stays used."""
    invoice = void_invoice(find_invoice(invoice_id), body.reason, by=api_user())
    return InvoiceOut.of(invoice)


@operation(
    "/invoices/<int:invoice_id>/payments",
    scope="invoices:read",
    tag="Invoices",
    summary="List an invoice's payments",
    query=PaymentQuery,
    response=ListResponse[PaymentOut],
)
def list_payments_api(invoice_id: int, query: PaymentQuery):
    """Payments recorded on this invoice."""
    invoice = find_invoice(invoice_id)
    stmt = select(Payment).where(Payment.invoice_id == invoice.id)
    return listing(PaymentOut, sorted_page(stmt, query, PAYMENT_KEYS))


@operation(
    "/invoices/<int:invoice_id>/payments",
    "POST",
    scope="invoices:write",
    permission="invoices.payments",
    tag="Invoices",
    summary="Record a payment",
    body=PaymentIn,
    response=PaymentOut,
    status=201,
)
def record_payment_api(invoice_id: int, body: PaymentIn):
    """Record money received; more than the balance becomes customer credit (emits
    `payment.recorded`, and `invoice.paid` when settled)."""
    payment = record_payment(find_invoice(invoice_id), body.model_dump(), by=api_user())
    location = url_for("api_v1.get_payment_api", invoice_id=invoice_id, payment_id=payment.id)
    return created(PaymentOut.of(payment), location)


@operation(
    "/invoices/<int:invoice_id>/payments/<int:payment_id>",
    scope="invoices:read",
    tag="Invoices",
    summary="Get a payment",
    response=PaymentOut,
)
def get_payment_api(invoice_id: int, payment_id: int):
    """One payment of this invoice (another invoice's payment is a 404)."""
    payment = db.session.get(Payment, payment_id)
    if payment is None or payment.invoice_id != find_invoice(invoice_id).id:
        abort(404, "There is no such payment.")
    return PaymentOut.of(payment)


@operation(
    "/invoices/<int:invoice_id>/pdf",
    scope="invoices:read",
    tag="Invoices",
    summary="Download the PDF",
    produces="application/pdf",
    accepted=Rendering,
    errors=(409,),
)
def invoice_pdf_api(invoice_id: int):
    """The PDF of the invoice's current revision; 202 while the background job renders it."""
    from cloudmanager.infra.storage import send_stored

    invoice = find_invoice(invoice_id)
    if invoice.is_draft:
        raise Conflict("A draft has no PDF yet; issue it first.")
    document = stored_document("invoice", invoice.id, invoice.revision)
    if document is None:
        _render(invoice)
        document = stored_document("invoice", invoice.id, invoice.revision)
    if document is None:
        return _rendering(url_for("api_v1.invoice_pdf_api", invoice_id=invoice.id))
    return send_stored(document.file_key, f"{invoice.number}.pdf", "application/pdf")


def _render(invoice: Invoice) -> None:
    """Hand the (idempotent) render job over now: this GET writes nothing to wait for."""
    job_id = f"invoice-pdf-{invoice.id}-{invoice.revision}"
    try:
        dispatch(PendingJob(RENDER_JOB, (invoice.id, invoice.revision), {}, job_id=job_id))
    except Exception:  # Redis away: the issue's own job may still come; the client asks again
        log.exception("could not queue the PDF of invoice %s", invoice.id)


def _rendering(location: str):
    response = jsonify(Rendering(location=location, retry_after=RETRY_AFTER_SECONDS).model_dump())
    response.status_code = 202
    response.headers["Location"] = location
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
