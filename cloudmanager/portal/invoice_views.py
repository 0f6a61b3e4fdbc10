"""Portal invoices: the list, an invoice, its PDF and credit notes, the account statement.

Only issued and void invoices of the signed-in contact's customer are shown,
with what the customer's own documents say (lines, tax summary, payments,
credit notes); the back office's timeline, emails and notes stay there.
"""

from flask import render_template, request
from sqlalchemy import func, select

from cloudmanager.core.htmx import htmx_only, render_page
from cloudmanager.core.money import ZERO
from cloudmanager.core.pagination import clamp_page_size, keyset_page
from cloudmanager.extensions import db
from cloudmanager.invoices.documents import company_details, creditor_reference, stored_totals
from cloudmanager.invoices.models import ISSUED, STATUS_BADGES, STATUS_LABELS, Invoice
from cloudmanager.portal import bp, current_portal_user, documents, scoping
from cloudmanager.portal.panels import PortalPanel, register_panel

# What a customer can filter by ("unpaid": issued with a balance, overdue or not).
PORTAL_STATUSES = {
    "unpaid": "Unpaid",
    "overdue": "Overdue",
    "paid": "Paid",
    "void": "Void",
}


@bp.context_processor
def invoice_labels() -> dict:
    """Status labels and badges, and how long a PDF is polled for, in the portal's templates."""
    return {
        "status_labels": STATUS_LABELS,
        "status_badges": STATUS_BADGES,
        "max_polls": documents.MAX_POLLS,
    }


def _unpaid(stmt):
    return stmt.where(Invoice.state == ISSUED, Invoice.balance > ZERO)


def filtered_invoices(user, status: str, q: str):
    """The customer's invoices narrowed by a portal status and a number prefix."""
    stmt = scoping.customer_invoices(user)
    if status == "unpaid":
        stmt = _unpaid(stmt)
    elif status in PORTAL_STATUSES:
        stmt = stmt.where(Invoice.status == status)
    if q:
        stmt = stmt.where(Invoice.number.startswith(q.upper(), autoescape=True))
    return stmt


def open_balance(user) -> tuple[int, object]:
    """(how many invoices are unpaid, what they still owe), summed exactly in SQL."""
    count, owed = db.session.execute(
        _unpaid(
            select(func.count(Invoice.id), func.sum(Invoice.balance)).where(
                Invoice.customer_id == user.customer_id
            )
        )
    ).one()
    return count, owed or ZERO


def _unpaid_invoices_panel(user) -> str:
    stmt = _unpaid(scoping.customer_invoices(user))
    page = keyset_page(stmt, [Invoice.due_date, Invoice.id], size=5)
    count, owed = open_balance(user)
    return render_template(
        "portal/_panel_invoices.html",
        page=page,
        count=count,
        owed=owed,
        currency=user.contact.customer.currency,
        status_labels=STATUS_LABELS,
        status_badges=STATUS_BADGES,
    )


register_panel(PortalPanel("invoices", 20, render=_unpaid_invoices_panel))


@bp.get("/invoices")
def invoices():
    """The customer's invoices, newest first, by status and number; keyset pages."""
    user = current_portal_user()
    status = request.args.get("status", "")
    status = status if status in PORTAL_STATUSES else ""
    q = (request.args.get("q") or "").strip()[:40]
    page = keyset_page(
        filtered_invoices(user, status, q),
        [Invoice.id],
        cursor=request.args.get("cursor"),
        size=clamp_page_size(request.args.get("size")),
        descending=True,
    )
    count, owed = open_balance(user)
    params = {key: value for key, value in {"status": status, "q": q}.items() if value}
    return render_page(
        "portal/invoices.html",
        "portal/_invoice_rows.html",
        page=page,
        status_filter=status,
        q=q,
        params=params,
        statuses=PORTAL_STATUSES,
        unpaid_count=count,
        owed=owed,
        currency=user.contact.customer.currency,
    )


@bp.get("/invoices/<int:invoice_id>")
def invoice(invoice_id: int):
    """One invoice: lines, tax summary, payments, credit notes and its PDF."""
    found = scoping.get_invoice(current_portal_user(), invoice_id)
    pdf = documents.invoice_document(found)
    return render_page(
        "portal/invoice.html",
        invoice=found,
        totals=stored_totals(found),
        company=company_details(),
        payment_reference=creditor_reference(found.number),
        pdf=pdf,
        ready=documents.prepare(pdf) is not None,
        credit_notes=[(note, documents.credit_note_document(note)) for note in found.credit_notes],
    )


def _download(document):
    """The PDF if stored; else enqueue it and show the page that waits for it."""
    stored = documents.prepare(document)
    if stored is not None:
        return documents.send(document, stored)
    return render_page("portal/document.html", document=document, ready=False, status=202)


def _status(document):
    attempt = request.args.get("attempt", "1")
    return render_page(
        "portal/_document.html",
        document=document,
        ready=documents.stored(document) is not None,
        attempt=int(attempt) if attempt.isdigit() else 1,
    )


@bp.get("/invoices/<int:invoice_id>/pdf")
def invoice_pdf(invoice_id: int):
    """Download the invoice's PDF (prepared in the background when missing)."""
    found = scoping.get_invoice(current_portal_user(), invoice_id)
    return _download(documents.invoice_document(found))


@bp.get("/invoices/<int:invoice_id>/pdf/status")
@htmx_only
def invoice_pdf_status(invoice_id: int):
    """Polled while the invoice's PDF is prepared: a spinner, then the download link."""
    found = scoping.get_invoice(current_portal_user(), invoice_id)
    return _status(documents.invoice_document(found))


@bp.get("/credit-notes/<int:note_id>/pdf")
def credit_note_pdf(note_id: int):
    """Download a credit note's PDF (prepared in the background when missing)."""
    note = scoping.get_credit_note(current_portal_user(), note_id)
    return _download(documents.credit_note_document(note))


@bp.get("/credit-notes/<int:note_id>/pdf/status")
@htmx_only
def credit_note_pdf_status(note_id: int):
    """Polled while a credit note's PDF is prepared."""
    note = scoping.get_credit_note(current_portal_user(), note_id)
    return _status(documents.credit_note_document(note))


@bp.get("/statement")
def statement():
    """The account: every invoice, payment and credit note with the running balance."""
    from cloudmanager.invoices.statements import statement_entries

    customer = current_portal_user().contact.customer
    entries = statement_entries(customer.id)
    pdf = documents.statement_document(customer, entries)
    return render_page(
        "portal/statement.html",
        customer=customer,
        entries=entries,
        pdf=pdf,
        ready=documents.stored(pdf) is not None,
    )


@bp.get("/statement/pdf")
def statement_pdf():
    """Download the account statement as it stands now."""
    return _download(documents.statement_document(current_portal_user().contact.customer))


@bp.get("/statement/pdf/status")
@htmx_only
def statement_pdf_status():
    """Polled while the statement's PDF is prepared."""
    return _status(documents.statement_document(current_portal_user().contact.customer))
