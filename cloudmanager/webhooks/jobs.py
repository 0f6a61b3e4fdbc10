"""The delivery job: POST the signed payload, log the answer, raise to be retried."""

import json

import requests
from flask import current_app

from cloudmanager.core.timeutil import utcnow
from cloudmanager.extensions import db
from cloudmanager.webhooks.models import WebhookDelivery
from cloudmanager.webhooks.services import address_problem
from cloudmanager.webhooks.signing import SIGNATURE_HEADER, sign

TIMEOUT_SECONDS = 10
EXCERPT_CHARS = 500


class DeliveryFailed(Exception):
    """The receiver did not answer 2xx; RQ retries the job with backoff."""


def deliver(delivery_id: int) -> None:
    """Send one delivery; a delivered one is never sent twice by a retry."""
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.status == "delivered":
        return
    webhook = delivery.webhook
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    delivery.attempts += 1
    delivery.last_attempt_at = utcnow()
    problem = address_problem(webhook.url)
    try:
        if problem:
            raise DeliveryFailed(problem)
        response = requests.post(
            webhook.url,
            data=body,
            timeout=TIMEOUT_SECONDS,
            allow_redirects=False,
            headers={
                "Content-Type": "application/json",
                "User-Agent": "CloudManager-Webhooks/1.0",
                "X-CloudManager-Event": delivery.event,
                "X-CloudManager-Delivery": delivery.event_id,
                SIGNATURE_HEADER: sign(webhook.secret, body),
            },
        )
        delivery.response_code = response.status_code
        delivery.response_excerpt = response.text[:EXCERPT_CHARS]
        if not 200 <= response.status_code < 300:
            raise DeliveryFailed(f"HTTP {response.status_code}")
    except (requests.RequestException, DeliveryFailed) as exc:
        delivery.error = str(exc)[:EXCERPT_CHARS]
        retries = current_app.config.get("JOB_RETRIES", 0)
        delivery.status = "failed" if delivery.attempts > retries else "retrying"
        db.session.commit()
        raise DeliveryFailed(delivery.error) from exc
    delivery.status = "delivered"
    delivery.error = None
    delivery.delivered_at = utcnow()
    db.session.commit()
