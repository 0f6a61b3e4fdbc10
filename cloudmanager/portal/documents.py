"""PDFs on the portal: invoices, credit notes and the account statement.

The PDFs are the ones staff download: rendered by the invoices' RQ jobs and
stored once per revision. The portal never renders in a request: when a PDF
is missing it enqueues the job and shows a "preparing" state that polls the
status fragment until the file is stored (without Redis the job runs inline
at the commit, so the PDF is usually there at once).
"""

from dataclasses import dataclass
from typing import Any

from flask import url_for

from cloudmanager.extensions import db
from cloudmanager.infra.queue import enqueue
from cloudmanager.infra.storage import send_stored
from cloudmanager.invoices.jobs import stored_document

POLL_SECONDS = 2
MAX_POLLS = 60  # two minutes, then the customer is asked to try again


@dataclass(frozen=True)
class PortalDocument:
    """One downloadable PDF: which stored revision, how to render it, where it is served."""

    kind: str  # invoice, credit_note, statement (InvoiceDocument.kind)
    object_id: int
    revision: int
    filename: str
    job: str
    job_args: tuple
    download_url: str
    status_url: str
    label: str

    @property
    def element_id(self) -> str:
        """The id of the status block on a page (unique per document)."""
        return f"pdf-{self.kind.replace('_', '-')}-{self.object_id}"


def invoice_document(invoice: Any) -> PortalDocument:
    """The PDF of the invoice's current revision (a void stamp is a new revision)."""
    return PortalDocument(
        "invoice",
        invoice.id,
        invoice.revision,
        f"{invoice.number}.pdf",
        "cloudmanager.invoices.jobs.render_invoice_pdf",
        (invoice.id, invoice.revision),
        url_for("portal.invoice_pdf", invoice_id=invoice.id),
        url_for("portal.invoice_pdf_status", invoice_id=invoice.id),
        f"Invoice {invoice.number}",
    )


def credit_note_document(note: Any) -> PortalDocument:
    """The PDF of a credit note (credit notes have one revision)."""
    return PortalDocument(
        "credit_note",
        note.id,
        1,
        f"{note.number}.pdf",
        "cloudmanager.invoices.jobs.render_credit_note_pdf",
        (note.id,),
        url_for("portal.credit_note_pdf", note_id=note.id),
        url_for("portal.credit_note_pdf_status", note_id=note.id),
        f"Credit note {note.number}",
    )


def statement_document(customer: Any, entries: list | None = None) -> PortalDocument:
    """The account statement as it stands now (its revision is a digest of its entries)."""
    from cloudmanager.invoices.statements import statement_entries, statement_revision

    if entries is None:
        entries = statement_entries(customer.id)
    return PortalDocument(
        "statement",
        customer.id,
        statement_revision(entries),
        f"statement-{customer.number}.pdf",
        "cloudmanager.invoices.jobs.render_statement_pdf",
        (customer.id,),
        url_for("portal.statement_pdf"),
        url_for("portal.statement_pdf_status"),
        "Account statement",
    )


def stored(document: PortalDocument):
    """The stored PDF of this revision, or None while it is not rendered."""
    return stored_document(document.kind, document.object_id, document.revision)


def prepare(document: PortalDocument):
    """The stored PDF; when missing, its job is enqueued (and committed) and None returned
    unless the job already ran inline."""
    found = stored(document)
    if found is not None:
        return found
    enqueue(document.job, *document.job_args)
    db.session.commit()
    return stored(document)


def send(document: PortalDocument, stored_pdf: Any):
    """Download the stored PDF as an attachment (nosniff, never inline)."""
    return send_stored(stored_pdf.file_key, document.filename, "application/pdf")
