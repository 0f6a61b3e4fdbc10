"""Portal PDFs: invoices, credit notes and the statement, rendered by the jobs, never in a request.

Without Redis the render job runs inline at the commit, so the PDF is there at
once; with the job held back (`jobs`) the portal shows "preparing", polls the
status fragment, and offers the download once the job has stored the file.
"""

import io
import re
import time

import pytest
from pypdf import PdfReader

HX = {"HX-Request": "true"}
RENDER_INVOICE = "cloudmanager.invoices.jobs.render_invoice_pdf"


def pdf_text(response) -> str:
    """The text of every page of a PDF response."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)


def test_the_customer_downloads_the_invoice_pdf_rendered_by_the_job(
    client, make_portal_user, portal_login, make_invoice
):
    user = portal_login(make_portal_user())
    invoice = make_invoice(user, "100.00")
    page = client.get(f"/portal/invoices/{invoice.id}").get_data(as_text=True)
    assert f'href="/portal/invoices/{invoice.id}/pdf"' in page and "Preparing" not in page
    response = client.get(f"/portal/invoices/{invoice.id}/pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    text = pdf_text(response)
    assert invoice.number in text and "119.00" in text


def test_a_missing_pdf_is_enqueued_and_polled_until_it_is_stored(
    client, make_portal_user, portal_login, make_invoice, jobs
):
    from cloudmanager.invoices.jobs import render_invoice_pdf

    user = portal_login(make_portal_user())
    invoice = make_invoice(user)
    jobs.clear()
    response = client.get(f"/portal/invoices/{invoice.id}/pdf")
    assert response.status_code == 202 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "Preparing the PDF" in html
    assert f"/portal/invoices/{invoice.id}/pdf/status?attempt=2" in html
    assert (RENDER_INVOICE, (invoice.id, invoice.revision)) in jobs

    status_url = f"/portal/invoices/{invoice.id}/pdf/status?attempt=2"
    waiting = client.get(status_url, headers=HX).get_data(as_text=True)
    assert "Preparing the PDF" in waiting and "attempt=3" in waiting
    render_invoice_pdf(invoice.id, invoice.revision)
    ready = client.get(status_url, headers=HX).get_data(as_text=True)
    assert "Download PDF" in ready and "hx-get" not in ready
    assert client.get(f"/portal/invoices/{invoice.id}/pdf").mimetype == "application/pdf"


def test_polling_stops_after_a_while_and_offers_to_try_again(
    client, make_portal_user, portal_login, make_invoice, jobs
):
    from cloudmanager.portal.documents import MAX_POLLS

    user = portal_login(make_portal_user())
    invoice = make_invoice(user)
    url = f"/portal/invoices/{invoice.id}/pdf/status?attempt={MAX_POLLS}"
    html = client.get(url, headers=HX).get_data(as_text=True)
    assert "longer than usual" in html and "hx-get" not in html


def test_the_status_fragment_is_for_htmx_only(
    client, make_portal_user, portal_login, make_invoice, jobs
):
    user = portal_login(make_portal_user())
    invoice = make_invoice(user)
    assert client.get(f"/portal/invoices/{invoice.id}/pdf/status").status_code == 404
    assert client.get("/portal/statement/pdf/status").status_code == 404


def test_the_invoice_page_prepares_its_pdf_and_polls(
    client, make_portal_user, portal_login, make_invoice, jobs
):
    user = portal_login(make_portal_user())
    invoice = make_invoice(user)
    jobs.clear()
    html = client.get(f"/portal/invoices/{invoice.id}").get_data(as_text=True)
    assert re.search(r'id="pdf-invoice-\d+"[^>]*hx-get="[^"]*/pdf/status\?attempt=2"', html)
    assert jobs == [(RENDER_INVOICE, (invoice.id, invoice.revision))]


def test_the_customer_downloads_a_credit_note_pdf(
    client, db, make_portal_user, portal_login, make_invoice, staff
):
    from cloudmanager.invoices.credit_notes import create_credit_note

    user = portal_login(make_portal_user())
    invoice = make_invoice(user, "100.00")
    note = create_credit_note(
        invoice, {"quantities": {invoice.lines[0].id: "1"}, "reason": "Cancelled"}, by=staff
    )
    db.session.commit()
    response = client.get(f"/portal/credit-notes/{note.id}/pdf")
    assert response.status_code == 200 and note.number in pdf_text(response)
    fragment = client.get(f"/portal/credit-notes/{note.id}/pdf/status", headers=HX)
    assert "Download PDF" in fragment.get_data(as_text=True)


def test_the_customer_downloads_the_account_statement(
    client, make_portal_user, portal_login, make_invoice
):
    user = portal_login(make_portal_user())
    invoice = make_invoice(user, "100.00")
    response = client.get("/portal/statement/pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response)
    assert invoice.number in text and user.contact.customer.number in text
    page = client.get("/portal/statement").get_data(as_text=True)
    assert 'id="download-pdf-statement-' in page


@pytest.mark.worker
def test_the_real_worker_prepares_the_statement_while_the_portal_polls(
    client, make_portal_user, portal_login, make_invoice, redis_url
):
    user = portal_login(make_portal_user())
    invoice = make_invoice(user, "100.00")
    response = client.get("/portal/statement/pdf")  # enqueued to Redis: not there yet
    assert response.status_code == 202 and "Preparing the PDF" in response.get_data(as_text=True)
    for attempt in range(2, 120):
        fragment = client.get(f"/portal/statement/pdf/status?attempt={attempt}", headers=HX)
        if "Download PDF" in fragment.get_data(as_text=True):
            break
        time.sleep(0.5)
    else:
        raise AssertionError("the worker never stored the statement")
    download = client.get("/portal/statement/pdf")
    assert download.status_code == 200 and invoice.number in pdf_text(download)
