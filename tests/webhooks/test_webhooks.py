"""Webhooks: signed deliveries to a real HTTP server, retries, log and redelivery."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from cloudmanager.core.errors import ValidationFailed
from cloudmanager.webhooks.models import WebhookDelivery
from cloudmanager.webhooks.services import emit_event, register_webhook
from cloudmanager.webhooks.signing import SIGNATURE_HEADER, verify


class Receiver:
    """A real HTTP server on 127.0.0.1 that records requests and answers `status`."""

    def __init__(self):
        self.requests: list[dict] = []
        self.status = 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"headers": dict(self.headers), "body": body})
                self.send_response(receiver.status)
                self.end_headers()
                self.wfile.write(b"thanks" if receiver.status < 300 else b"broken")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


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
