"""Invoice emails on demand and reminders, as staff see them: SMTP, outbox, audit, timeline."""

import io
import re
from datetime import date, timedelta

from pypdf import PdfReader
from sqlalchemy import select

from cloudmanager.auth.models import AuditEntry
from cloudmanager.invoices.jobs import send_due_reminders
from cloudmanager.invoices.models import InvoiceEmail


def timeline(client, invoice) -> list[str]:
    """The items of the invoice page's timeline, as plain text."""
    page = client.get(f"/invoices/{invoice.id}").get_data(as_text=True)
    block = re.search(r'<ul[^>]*id="invoice-timeline"[^>]*>(.*?)</ul>', page, re.S).group(1)
    items = re.findall(r"<li[^>]*>(.*?)</li>", block, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in items]


def test_staff_email_an_issued_invoice_on_demand_with_its_pdf(
    db, client, login_as, make_issued, smtp_server
):
    invoice = make_issued()  # the issue email goes out first
    smtp_server.messages.clear()
    user = login_as("accountant")
    for _ in range(2):  # each click is a new event, so the second one is sent too
        response = client.post(f"/invoices/{invoice.id}/email")
        assert response.status_code == 302
    assert len(smtp_server.messages) == 2
    received = smtp_server.messages[0]
    assert received.rcpt_tos == [invoice.customer.email]
    (attachment,) = list(received.message.iter_attachments())
    assert attachment.get_filename() == f"{invoice.number}.pdf"
    pdf = PdfReader(io.BytesIO(attachment.get_content()))
    assert invoice.number in pdf.pages[0].extract_text()
    rows = db.session.scalars(select(InvoiceEmail).order_by(InvoiceEmail.id)).all()
    assert [row.event_key for row in rows] == [
        f"invoice:{invoice.id}:issued",
        f"invoice:{invoice.id}:manual:2",
        f"invoice:{invoice.id}:manual:3",
    ]
    assert all(row.sent_at is not None for row in rows)
    requested = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "invoice.email_requested")
    ).all()
    assert [entry.actor_id for entry in requested] == [user.id, user.id]
    assert requested[0].object_id == str(invoice.id)
    assert requested[0].after == {"to": invoice.customer.email}
    items = timeline(client, invoice)
    assert any(item.startswith("Invoice email (manual) to") and "sent" in item for item in items)


def test_a_draft_cannot_be_emailed_and_says_why(db, client, login_as, make_draft, smtp_server):
    draft = make_draft()
    login_as("accountant")
    response = client.post(f"/invoices/{draft.id}/email", follow_redirects=True)
    assert "Only issued invoices can be emailed." in response.get_data(as_text=True)
    assert db.session.scalar(select(InvoiceEmail.id)) is None
    assert smtp_server.messages == []


def test_a_reminder_step_appears_on_the_invoice_timeline(
    db, client, login_as, make_issued, smtp_server
):
    invoice = make_issued(on=date.today() - timedelta(days=14 + 8))  # due 8 days ago
    assert send_due_reminders() == 1
    login_as("agent")
    items = timeline(client, invoice)
    reminders = [item for item in items if item.startswith("Reminder (after-7)")]
    assert len(reminders) == 1
    assert invoice.customer.email in reminders[0] and "sent" in reminders[0]
    audited = f"Reminder (after-7) for {invoice.number} sent to {invoice.customer.email} by system"
    assert any(item.endswith(audited) for item in items)


def test_a_partly_paid_invoices_reminder_attaches_a_pdf_asking_for_the_balance(
    db, client, login_as, make_issued, admin, smtp_server
):
    from cloudmanager.invoices.models import InvoiceDocument
    from cloudmanager.invoices.payments import record_payment

    invoice = make_issued(on=date.today() - timedelta(days=14 + 8))  # 119.00, due 8 days ago
    assert invoice.revision == 1
    record_payment(invoice, {"amount": "50.00", "method": "cash"}, by=admin)
    db.session.commit()
    assert invoice.revision == 2  # a payment changes what the PDF asks for
    smtp_server.messages.clear()
    assert send_due_reminders() == 1
    (attachment,) = list(smtp_server.messages[0].message.iter_attachments())
    text = " ".join(PdfReader(io.BytesIO(attachment.get_content())).pages[0].extract_text().split())
    assert "Please transfer the balance due of 69.00 EUR" in text
    revisions = db.session.scalars(
        select(InvoiceDocument.revision).where(InvoiceDocument.object_id == invoice.id)
    ).all()
    assert sorted(revisions) == [1, 2]


def test_the_page_offers_the_previous_pdf_while_the_new_one_renders(
    db, client, login_as, make_issued, admin
):
    from cloudmanager.infra.queue import jobs_dropped
    from cloudmanager.invoices.payments import record_payment

    invoice = make_issued()
    with jobs_dropped():  # the new revision's render job has not run yet
        record_payment(invoice, {"amount": "50.00", "method": "cash"}, by=admin)
    db.session.commit()
    login_as("accountant")
    page = client.get(f"/invoices/{invoice.id}").get_data(as_text=True)
    assert 'id="download-pdf"' in page and "is being rendered; this is the one before" in page
    assert f"/invoices/{invoice.id}?poll=1" in page  # the button asks again in a moment
    response = client.get(f"/invoices/{invoice.id}/pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    last = client.get(f"/invoices/{invoice.id}?poll=30").get_data(as_text=True)
    assert "?poll=31" not in last  # and stops asking after a minute
