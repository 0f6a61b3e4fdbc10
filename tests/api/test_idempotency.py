"""Idempotency-Key on POST: a retried create returns the first result instead of a duplicate."""

from sqlalchemy import func, select

from cloudmanager.customers.models import Customer
from cloudmanager.tickets.models import Ticket
from tests.api.conftest import CUSTOMER


def test_a_retried_create_returns_the_first_customer(api, db):
    key = {"Idempotency-Key": "create-acme-1"}
    first = api.post("/customers", CUSTOMER, headers=key)
    retry = api.post("/customers", CUSTOMER, headers=key)
    assert first.status_code == retry.status_code == 201
    assert retry.json == first.json and retry.headers["Location"] == first.headers["Location"]
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert db.session.scalar(select(func.count(Customer.id))) == 1


def test_a_retried_ticket_is_opened_once(api_as, db):
    agent = api_as("agent")
    body = {
        "subject": "Disk full",
        "body": "The disk is full.",
        "department": "Technical support",
        "requester_email": "ops@acme.example",
    }
    key = {"Idempotency-Key": "ticket-42"}
    first = agent.post("/tickets", body, headers=key).json
    assert agent.post("/tickets", body, headers=key).json == first
    assert db.session.scalar(select(func.count(Ticket.id))) == 1


def test_the_same_key_with_another_body_is_refused(api, db):
    key = {"Idempotency-Key": "k"}
    api.post("/customers", CUSTOMER, headers=key)
    other = api.post("/customers", {**CUSTOMER, "email": "x@acme.example"}, headers=key)
    assert other.status_code == 422 and other.mimetype == "application/problem+json"
    assert db.session.scalar(select(func.count(Customer.id))) == 1


def test_keys_are_per_token(api_as, db):
    key = {"Idempotency-Key": "same"}
    api_as("admin").post("/customers", CUSTOMER, headers=key)
    second = api_as("manager").post(
        "/customers", {**CUSTOMER, "email": "b@acme.example"}, headers=key
    )
    assert second.status_code == 201
    assert db.session.scalar(select(func.count(Customer.id))) == 2


def test_a_failed_create_is_not_stored_and_can_be_retried(api, db):
    key = {"Idempotency-Key": "retry-after-fix"}
    failed = api.post("/customers", {**CUSTOMER, "vat_id": "DE1"}, headers=key)
    assert failed.status_code == 422
    fixed = api.post("/customers", {**CUSTOMER, "vat_id": "DE1"}, headers=key)
    assert fixed.status_code == 422  # the same bad request fails again, it is not replayed
    assert "Idempotent-Replayed" not in fixed.headers


def test_an_overlong_or_empty_key_is_a_problem(api):
    for key in ("x" * 256, ""):
        response = api.post("/customers", CUSTOMER, headers={"Idempotency-Key": key})
        assert response.status_code == 400
        assert response.json["errors"][0]["field"] == "Idempotency-Key"
