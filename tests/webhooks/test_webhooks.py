"""Webhooks: signed deliveries to a real HTTP server, retries, log and redelivery."""

import json

import pytest
from sqlalchemy import select

from cloudmanager.core.errors import ValidationFailed
from cloudmanager.webhooks.models import WebhookDelivery
from cloudmanager.webhooks.services import emit_event, register_webhook
from cloudmanager.webhooks.signing import SIGNATURE_HEADER, verify


def test_an_event_is_delivered_signed_after_the_commit(db, make_user, receiver):
    admin = make_user("admin")
    webhook = register_webhook(url=receiver.url, events=["invoice.paid"], by=admin)
    db.session.commit()
    emit_event("invoice.paid", {"invoice": "INV-2026-00001", "amount": "119.00"})
    assert receiver.requests == []  # nothing leaves before the commit
    db.session.commit()
    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    assert verify(webhook.secret, request["body"], request["headers"][SIGNATURE_HEADER])
    assert not verify("wrong-secret", request["body"], request["headers"][SIGNATURE_HEADER])
    payload = json.loads(request["body"])
    assert payload["event"] == "invoice.paid" and payload["data"]["amount"] == "119.00"
    delivery = db.session.scalar(select(WebhookDelivery))
    assert delivery.status == "delivered" and delivery.response_code == 200


def test_events_go_only_to_subscribed_active_webhooks(db, make_user, receiver):
    admin = make_user("admin")
    register_webhook(url=receiver.url, events=["ticket.created"], by=admin)
    paused = register_webhook(url=receiver.url, events=["invoice.paid"], by=admin)
    paused.active = False
    db.session.commit()
    assert emit_event("invoice.paid", {}) == 0
    db.session.commit()
    assert receiver.requests == []


def test_a_failing_receiver_is_retried_then_marked_failed_and_can_be_redelivered(
    app, client, db, login_as, receiver
):
    admin = login_as("admin")
    register_webhook(url=receiver.url, events=["ticket.created"], by=admin)
    db.session.commit()
    receiver.status = 500
    emit_event("ticket.created", {"ticket": "T-000001"})
    db.session.commit()
    attempts = 1 + app.config["JOB_RETRIES"]
    assert len(receiver.requests) == attempts
    delivery = db.session.scalar(select(WebhookDelivery))
    assert delivery.status == "failed" and delivery.response_code == 500
    assert "broken" in delivery.response_excerpt
    page = client.get(f"/settings/webhooks/{delivery.webhook_id}")
    assert b"HTTP 500" in page.data
    receiver.status = 200
    response = client.post(
        f"/settings/webhooks/{delivery.webhook_id}/deliveries/{delivery.id}/redeliver"
    )
    assert response.status_code == 302
    assert db.session.get(WebhookDelivery, delivery.id).status == "delivered"


def test_private_targets_are_refused_in_production(app, make_user):
    app.config["WEBHOOKS_ALLOW_PRIVATE"] = False
    admin = make_user("admin")
    for url in ("http://127.0.0.1/x", "http://10.0.0.5/x", "http://[::1]/x", "ftp://example.com"):
        with pytest.raises(ValidationFailed) as error:
            register_webhook(url=url, events=["invoice.paid"], by=admin)
        assert "url" in error.value.errors


def test_registration_form_shows_errors_next_to_fields(client, login_as):
    login_as("admin")
    response = client.post("/settings/webhooks/new", data={"url": "nope", "description": ""})
    assert response.status_code == 422
    assert b"Choose at least one event" in response.data


def test_webhook_pages_are_for_admins_only(client, login_as):
    login_as("manager")
    assert client.get("/settings/webhooks/").status_code == 403


def test_the_receiver_verifies_the_signature_of_what_it_gets(db, subscribe, receiver):
    subscribe("customer.created")
    emit_event("customer.created", {"customer": {"id": 1}})
    db.session.commit()
    (request,) = receiver.requests
    assert request["verified"]
    assert db.session.scalar(select(WebhookDelivery)).status == "delivered"


def test_a_tampered_signature_is_refused_by_the_receiver(db, subscribe, receiver):
    webhook = subscribe("customer.created")
    receiver.secret = webhook.secret + "-rotated"  # the receiver knows another secret
    emit_event("customer.created", {"customer": {"id": 1}})
    db.session.commit()
    assert receiver.requests and not any(request["verified"] for request in receiver.requests)
    delivery = db.session.scalar(select(WebhookDelivery))
    assert delivery.status == "failed" and delivery.response_code == 401


def test_a_receiver_that_fails_twice_gets_the_event_on_the_third_try(db, subscribe, receiver):
    subscribe("invoice.paid")
    receiver.answers = [500, 500]
    emit_event("invoice.paid", {"invoice": {"id": 7}}, event_id="evt-7")
    db.session.commit()
    assert [request["verified"] for request in receiver.requests] == [True, True, True]
    assert {event["id"] for event in receiver.events()} == {"evt-7"}  # the same event, resent
    delivery = db.session.scalar(select(WebhookDelivery))
    assert delivery.status == "delivered" and delivery.attempts == 3
    assert delivery.response_code == 200


@pytest.mark.worker
def test_the_real_worker_retries_until_the_receiver_takes_the_event(
    db, subscribe, receiver, redis_url
):
    import time

    subscribe("invoice.paid")
    receiver.answers = [500, 500]
    emit_event("invoice.paid", {"invoice": {"id": 8}})
    db.session.commit()
    for _ in range(120):
        db.session.expire_all()
        delivery = db.session.scalar(select(WebhookDelivery))
        if delivery.status == "delivered":
            break
        time.sleep(0.5)
    assert delivery.status == "delivered" and delivery.attempts == 3
    assert len(receiver.requests) == 3 and all(r["verified"] for r in receiver.requests)
