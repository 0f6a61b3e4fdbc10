"""Customers and contacts over the API: the back office's rules, audit and webhook events hold."""

from sqlalchemy import select

from cloudmanager.auth.models import AuditEntry
from cloudmanager.customers.models import Customer
from tests.api.conftest import CUSTOMER


def test_create_get_and_change_a_customer(api, db):
    created = api.post("/customers", CUSTOMER)
    assert created.status_code == 201, created.json
    body = created.json
    assert body["number"] == "C-000001" and body["currency"] == "EUR"
    assert created.headers["Location"].endswith(f"/api/v1/customers/{body['id']}")
    assert api.get(f"/customers/{body['id']}").json == body
    changed = api.patch(f"/customers/{body['id']}", {"city": "Hamburg", "tags": ["VIP"]})
    assert changed.status_code == 200
    assert changed.json["city"] == "Hamburg" and changed.json["tags"] == ["vip"]
    assert changed.json["name"] == CUSTOMER["name"]  # fields not sent stay as they were
    audit = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert audit[-2:] == ["customer.created", "customer.updated"]


def test_the_services_rules_answer_with_field_errors(api):
    api.post("/customers", CUSTOMER)
    again = api.post("/customers", {**CUSTOMER, "email": "BILLING@acme.example"})
    assert again.status_code == 422 and again.mimetype == "application/problem+json"
    assert again.json["errors"] == [
        {"field": "email", "message": "Another customer already uses this email address."}
    ]
    bad_vat = api.post("/customers", {**CUSTOMER, "email": "x@acme.example", "vat_id": "DE12"})
    assert [e["field"] for e in bad_vat.json["errors"]] == ["vat_id"]


def test_schema_violations_are_422_with_the_field_and_nothing_is_written(api, db):
    response = api.post("/customers", {"name": "", "email": "nope", "country": "XX", "x": 1})
    assert response.status_code == 422
    assert {e["field"] for e in response.json["errors"]} == {"name", "email", "country", "x"}
    not_json = api.request("POST", "/customers", data="name=x", content_type="text/plain")
    assert not_json.status_code == 400 and not_json.mimetype == "application/problem+json"
    assert db.session.scalar(select(Customer.id)) is None


def test_json_types_are_strict(api):
    response = api.post("/customers", {**CUSTOMER, "payment_terms_days": "14"})
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "payment_terms_days"


def test_deactivate_and_delete(api):
    customer = api.post("/customers", CUSTOMER).json
    assert api.patch(f"/customers/{customer['id']}", {"status": "inactive"}).json["status"] == (
        "inactive"
    )
    assert api.delete(f"/customers/{customer['id']}").status_code == 204
    assert api.get(f"/customers/{customer['id']}").status_code == 404


def test_a_customer_with_history_is_not_deleted(api, server):
    customer = api.post("/customers", CUSTOMER).json
    api.post("/orders", {"customer_id": customer["id"], "lines": [{"product_id": server.id}]})
    response = api.delete(f"/customers/{customer['id']}")
    assert response.status_code == 409 and "deactivate" in response.json["detail"]


def test_contacts_belong_to_their_customer(api):
    first = api.post("/customers", CUSTOMER).json
    second = api.post("/customers", {**CUSTOMER, "email": "other@acme.example"}).json
    contact = api.post(
        f"/customers/{first['id']}/contacts",
        {"name": "Ada", "email": "ada@acme.example", "receives_invoices": True},
    )
    assert contact.status_code == 201 and contact.json["is_primary"]
    contact_id = contact.json["id"]
    assert api.get(f"/customers/{first['id']}/contacts/{contact_id}").status_code == 200
    for method in ("GET", "DELETE"):
        foreign = api.request(method, f"/customers/{second['id']}/contacts/{contact_id}")
        assert foreign.status_code == 404
    assert api.patch(f"/customers/{second['id']}/contacts/{contact_id}", {}).status_code == 404
    listed = api.get(f"/customers/{first['id']}/contacts").json["data"]
    assert [c["id"] for c in listed] == [contact_id]
    assert api.get(f"/customers/{second['id']}/contacts").json["data"] == []


def test_contact_rules_come_from_the_service(api):
    customer = api.post("/customers", CUSTOMER).json
    response = api.post(
        f"/customers/{customer['id']}/contacts", {"name": "Bob", "receives_sms": True}
    )
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "phone"


def test_customer_events_reach_a_webhook(api, subscribe, receiver):
    subscribe("customer.created", "customer.updated")
    customer = api.post("/customers", CUSTOMER).json
    api.patch(f"/customers/{customer['id']}", {"name": "Acme Cloud AG"})
    api.post(f"/customers/{customer['id']}/contacts", {"name": "Ada"})
    events = receiver.events()
    assert [e["event"] for e in events] == [
        "customer.created",
        "customer.updated",
        "customer.updated",
    ]
    assert events[0]["data"]["customer"]["number"] == "C-000001"
    assert events[1]["data"]["changed"] == ["name"]
    assert events[2]["data"]["changed"] == ["contacts"]
    assert all(request["verified"] for request in receiver.requests)


def test_a_rejected_change_emits_nothing(api, subscribe, receiver):
    subscribe("customer.created")
    api.post("/customers", {**CUSTOMER, "vat_id": "DE1"})
    assert receiver.requests == []
