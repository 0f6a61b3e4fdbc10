"""Invoices over the API: drafts, gapless numbers at issue, payments, voids and the PDF job."""

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from cloudmanager.invoices.models import InvoiceDocument
from tests.api.conftest import CUSTOMER

LINE = {"description": "Cloud Server M", "quantity": "1", "unit_price": "100.00"}


@pytest.fixture
def customer(api, vat):
    """A German customer made over the API (German VAT applies)."""
    return api.post("/customers", CUSTOMER).json


@pytest.fixture
def accountant(api_as):
    """An accountant's token: invoices are their daily work."""
    return api_as("accountant")


@pytest.fixture
def draft(accountant, customer):
    """A draft of one line, 100.00 net."""
    response = accountant.post("/invoices", {"customer_id": customer["id"], "lines": [LINE]})
    assert response.status_code == 201, response.json
    return response.json


def test_a_draft_has_no_number_and_can_change(accountant, draft):
    assert draft["state"] == "draft" and draft["number"] is None
    assert draft["gross_total"] == "119.00" and draft["lines"][0]["tax_rate"] == "19.00"
    changed = accountant.patch(f"/invoices/{draft['id']}", {"lines": [{**LINE, "quantity": "2"}]})
    assert changed.json["gross_total"] == "238.00"
    noted = accountant.patch(f"/invoices/{draft['id']}", {"notes": "PO 4711"})
    assert noted.json["notes"] == "PO 4711" and noted.json["gross_total"] == "238.00"


def test_lines_are_checked_by_the_draft_service(accountant, customer):
    response = accountant.post(
        "/invoices",
        {"customer_id": customer["id"], "lines": [{**LINE, "product_id": 999999}]},
    )
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "lines-0-product_id"
    unknown = accountant.post("/invoices", {"customer_id": 999999, "lines": [LINE]})
    assert unknown.status_code == 422 and unknown.json["errors"][0]["field"] == "customer_id"


def test_issuing_numbers_invoices_gaplessly_and_freezes_them(
    accountant, customer, subscribe, receiver
):
    subscribe("invoice.issued")
    numbers = []
    for _ in range(2):
        draft = accountant.post("/invoices", {"customer_id": customer["id"], "lines": [LINE]}).json
        issued = accountant.post(f"/invoices/{draft['id']}/issue")
        assert issued.status_code == 200 and issued.json["state"] == "issued"
        numbers.append(issued.json["number"])
    assert [n[-5:] for n in numbers] == ["00001", "00002"]
    assert issued.json["bill_name"] == CUSTOMER["name"]
    assert accountant.patch(f"/invoices/{draft['id']}", {"notes": "x"}).status_code == 409
    assert accountant.delete(f"/invoices/{draft['id']}").status_code == 409
    assert [e["data"]["invoice"]["number"] for e in receiver.events()] == numbers


def test_a_payment_settles_the_invoice_once(accountant, draft, subscribe, receiver):
    subscribe("invoice.paid")
    accountant.post(f"/invoices/{draft['id']}/issue")
    payment = {"amount": "119.00", "method": "bank_transfer", "reference": "TX-1"}
    recorded = accountant.post(f"/invoices/{draft['id']}/payments", payment)
    assert recorded.status_code == 201 and recorded.json["applied"] == "119.00"
    assert accountant.get(recorded.headers["Location"].split("/api/v1")[1]).json == recorded.json
    assert accountant.get(f"/invoices/{draft['id']}").json["status"] == "paid"
    twice = accountant.post(f"/invoices/{draft['id']}/payments", payment)
    assert twice.status_code == 409
    assert [e["event"] for e in receiver.events()] == ["invoice.paid"]
    listed = accountant.get(f"/invoices/{draft['id']}/payments").json["data"]
    assert [p["reference"] for p in listed] == ["TX-1"]


def test_a_payment_of_another_invoice_is_not_found_here(accountant, customer, draft):
    other = accountant.post("/invoices", {"customer_id": customer["id"], "lines": [LINE]}).json
    for invoice in (draft, other):
        accountant.post(f"/invoices/{invoice['id']}/issue")
    payment = accountant.post(
        f"/invoices/{draft['id']}/payments",
        {"amount": "10.00", "method": "cash"},
    ).json
    assert accountant.get(f"/invoices/{other['id']}/payments/{payment['id']}").status_code == 404


def test_void_needs_the_permission_and_a_reason(api_as, accountant, draft):
    accountant.post(f"/invoices/{draft['id']}/issue")
    manager = api_as("manager")  # edits invoices, but voiding is for admins and accountants
    assert manager.post(f"/invoices/{draft['id']}/void", {"reason": "x"}).status_code == 403
    assert accountant.post(f"/invoices/{draft['id']}/void", {"reason": ""}).status_code == 422
    voided = accountant.post(f"/invoices/{draft['id']}/void", {"reason": "wrong customer"})
    assert voided.json["state"] == "void" and voided.json["void_reason"] == "wrong customer"


def test_the_pdf_is_the_one_the_job_rendered(accountant, draft, db):
    assert accountant.get(f"/invoices/{draft['id']}/pdf").status_code == 409  # drafts have none
    number = accountant.post(f"/invoices/{draft['id']}/issue").json["number"]
    response = accountant.get(f"/invoices/{draft['id']}/pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert f"filename={number}.pdf" in response.headers["Content-Disposition"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert number in text
    assert len(db.session.scalars(select(InvoiceDocument)).all()) == 1  # served, not re-rendered


def test_a_pdf_not_rendered_yet_is_a_202_with_where_and_when_to_ask(
    accountant, draft, db, monkeypatch
):
    from cloudmanager.api import resources_invoices

    accountant.post(f"/invoices/{draft['id']}/issue")
    db.session.execute(InvoiceDocument.__table__.delete())  # as if the worker had not run yet
    db.session.commit()
    queued = []
    monkeypatch.setattr(resources_invoices, "dispatch", queued.append)  # a worker would take it
    response = accountant.get(f"/invoices/{draft['id']}/pdf")
    assert response.status_code == 202
    assert response.headers["Location"].endswith(f"/api/v1/invoices/{draft['id']}/pdf")
    assert int(response.headers["Retry-After"]) > 0 and response.json["status"] == "rendering"
    (job,) = queued
    assert job.path == "cloudmanager.invoices.jobs.render_invoice_pdf"
    monkeypatch.undo()
    from cloudmanager.infra.queue import dispatch

    dispatch(job)  # the worker runs it
    assert accountant.get(f"/invoices/{draft['id']}/pdf").status_code == 200


def test_invoice_lists_filter_by_status_customer_and_number(accountant, customer, draft):
    issued = accountant.post("/invoices", {"customer_id": customer["id"], "lines": [LINE]}).json
    number = accountant.post(f"/invoices/{issued['id']}/issue").json["number"]
    drafts = accountant.get("/invoices", query_string={"status": "draft"}).json["data"]
    assert [i["id"] for i in drafts] == [draft["id"]]
    found = accountant.get("/invoices", query_string={"q": number[:-1]}).json["data"]
    assert [i["number"] for i in found] == [number]
    mine = accountant.get("/invoices", query_string={"customer_id": customer["id"]}).json
    assert [i["id"] for i in mine["data"]] == [issued["id"], draft["id"]]
