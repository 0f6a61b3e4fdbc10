"""PDFs rendered through the job and read back, the invoice email at a real SMTP server."""

import io
import time
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from cloudmanager.invoices.documents import creditor_reference, is_valid_creditor_reference
from cloudmanager.invoices.models import InvoiceDocument, InvoiceEmail
from tests.invoices.conftest import line

IBAN = "DE89370400440532013000"


@pytest.fixture
def company(db, admin):
    from cloudmanager.settings.services import update_settings

    update_settings(
        {"company.iban": IBAN, "company.bic": "COBADEFFXXX", "company.vat_id": "DE811907980"},
        by=admin,
    )
    db.session.commit()


def pdf_text(document) -> str:
    from cloudmanager.infra.storage import read_stored

    data = read_stored(document.file_key)
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def documents_of(db, invoice):
    return db.session.scalars(
        select(InvoiceDocument).where(
            InvoiceDocument.kind == "invoice", InvoiceDocument.object_id == invoice.id
        )
    ).all()


def test_the_rf_payment_reference_has_valid_check_digits():
    reference = creditor_reference("INV-2026-00042")
    assert reference.startswith("RF") and reference.endswith("INV202600042")
    assert is_valid_creditor_reference(reference)
    assert not is_valid_creditor_reference(reference[:2] + "00" + reference[4:])


def test_issuing_renders_the_pdf_once_with_number_totals_and_iban(db, company, make_issued):
    invoice = make_issued([line(quantity="2", unit_price="49.5"), line("Backup", unit_price="5")])
    (document,) = documents_of(db, invoice)  # rendered by the job enqueued at issue
    assert document.revision == 1 and len(document.sha256) == 64
    text = pdf_text(document)
    assert invoice.number in text
    assert "104.00" in text and "19.76" in text and "123.76" in text
    assert IBAN in text and creditor_reference(invoice.number) in text
    from cloudmanager.invoices.jobs import render_invoice_pdf

    assert render_invoice_pdf(invoice.id).id == document.id  # idempotent


def test_a_voided_invoice_gets_a_new_revision_marked_void(db, company, make_issued, admin):
    from cloudmanager.invoices.issuing import void_invoice

    invoice = make_issued()
    void_invoice(invoice, "Wrong customer", by=admin)
    db.session.commit()
    documents = sorted(documents_of(db, invoice), key=lambda d: d.revision)
    assert [d.revision for d in documents] == [1, 2]
    assert "VOID" in pdf_text(documents[1]) and "Wrong customer" in pdf_text(documents[1])


def test_reverse_charge_invoices_print_the_legal_note(db, company, make_customer, make_issued):
    french = make_customer(country="FR", vat_id="FR12345678901", postcode="75001", city="Paris")
    invoice = make_issued(for_customer=french)
    text = pdf_text(documents_of(db, invoice)[0])
    assert "Reverse charge" in text and "2006/112/EC" in text


def test_a_credit_note_pdf_names_the_invoice_it_corrects(db, company, make_issued, admin):
    from cloudmanager.invoices.credit_notes import create_credit_note

    invoice = make_issued()
    note = create_credit_note(invoice, {"all": True, "reason": "Cancelled"}, by=admin)
    db.session.commit()
    (document,) = db.session.scalars(
        select(InvoiceDocument).where(InvoiceDocument.kind == "credit_note")
    ).all()
    text = pdf_text(document)
    assert note.number in text and invoice.number in text and "119.00" in text


def test_the_invoice_email_with_the_pdf_arrives_at_a_real_smtp_server(
    db, company, make_issued, smtp_server
):
    invoice = make_issued()
    assert len(smtp_server.messages) == 1
    received = smtp_server.messages[0]
    assert received.rcpt_tos == [invoice.customer.email]
    assert invoice.number in received.message["Subject"]
    (attachment,) = list(received.message.iter_attachments())
    assert attachment.get_filename() == f"{invoice.number}.pdf"
    assert attachment.get_content().startswith(b"%PDF-")
    row = db.session.scalar(select(InvoiceEmail))
    assert row.event_key == f"invoice:{invoice.id}:issued" and row.sent_at is not None


@pytest.mark.worker
def test_the_real_worker_renders_the_pdf(db, company, make_draft, admin, redis_url):
    from cloudmanager.invoices.issuing import issue_invoice

    invoice = issue_invoice(make_draft(), by=admin)
    db.session.commit()
    for _ in range(120):
        db.session.expire_all()
        if documents_of(db, invoice):
            break
        time.sleep(0.5)
    (document,) = documents_of(db, invoice)
    assert invoice.number in pdf_text(document)
    assert Decimal(str(invoice.gross_total)) == Decimal("119.00")
