"""Register webhooks and emit events; deliveries go out in RQ jobs after the commit."""

import ipaddress
import secrets
import socket
import uuid
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select

from cloudmanager.core.audit import audit
from cloudmanager.core.errors import ValidationFailed
from cloudmanager.core.timeutil import utcnow
from cloudmanager.extensions import db
from cloudmanager.infra.queue import enqueue
from cloudmanager.webhooks.events import EVENTS
from cloudmanager.webhooks.models import Webhook, WebhookDelivery

DELIVER_JOB = "cloudmanager.webhooks.jobs.deliver"


def address_problem(url: str) -> str | None:
    """Why `url` may not receive webhooks (bad scheme, or a private address)."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "Enter an http:// or https:// URL."
    if current_app.config.get("WEBHOOKS_ALLOW_PRIVATE"):
        return None
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except socket.gaierror:
        return "This host name does not resolve."
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            return "Webhooks cannot target private, loopback or link-local addresses."
    return None


def _validate(url: str, events: list[str]) -> None:
    errors = {}
    problem = address_problem(url)
    if problem:
        errors["url"] = problem
    unknown = [event for event in events if event not in EVENTS]
    if not events:
        errors["events"] = "Choose at least one event."
    elif unknown:
        errors["events"] = "Unknown event: " + ", ".join(unknown)
    if errors:
        raise ValidationFailed(errors)


def register_webhook(*, url: str, events: list[str], description: str = "", by: Any) -> Webhook:
    """Add a webhook with a new random secret."""
    _validate(url, events)
    webhook = Webhook(
        url=url.strip(),
        events=sorted(set(events)),
        description=(description or "").strip(),
        secret="whsec_" + secrets.token_urlsafe(32),
        created_by_id=getattr(by, "id", None),
    )
    db.session.add(webhook)
    audit(
        "webhook.created", webhook, after={"url": webhook.url, "events": webhook.events}, actor=by
    )
    return webhook


def update_webhook(
    webhook: Webhook, *, url: str, events: list[str], description: str, active: bool, by: Any
) -> None:
    """Change a webhook's URL, events, description or active flag (audited)."""
    _validate(url, events)
    before = {"url": webhook.url, "events": webhook.events, "active": webhook.active}
    webhook.url, webhook.events = url.strip(), sorted(set(events))
    webhook.description, webhook.active = (description or "").strip(), active
    after = {"url": webhook.url, "events": webhook.events, "active": webhook.active}
    if before != after:
        audit("webhook.updated", webhook, before=before, after=after, actor=by)


def delete_webhook(webhook: Webhook, *, by: Any) -> None:
    """Remove a webhook and its delivery log."""
    audit("webhook.deleted", webhook, before={"url": webhook.url}, actor=by)
    db.session.delete(webhook)


def emit_event(event: str, data: dict[str, Any], *, event_id: str | None = None) -> int:
    """Queue `event` for every active webhook subscribed to it; returns how many.

    Call inside the transaction that made the change: the delivery rows commit
    with it and the jobs start only after that commit.
    """
    if event not in EVENTS:
        raise ValueError(f"unknown webhook event {event!r}")
    event_id = event_id or uuid.uuid4().hex
    payload = {
        "id": event_id,
        "event": event,
        "created_at": utcnow().isoformat() + "Z",
        "data": data,
    }
    hooks = db.session.scalars(select(Webhook).where(Webhook.active.is_(True))).all()
    count = 0
    for webhook in hooks:
        if event not in webhook.events:
            continue
        delivery = WebhookDelivery(webhook=webhook, event_id=event_id, event=event, payload=payload)
        db.session.add(delivery)
        db.session.flush()
        enqueue(DELIVER_JOB, delivery.id, queue="low")
        count += 1
    return count


def redeliver(delivery: WebhookDelivery, *, by: Any) -> None:
    """Send a delivery again by hand (whatever happened before)."""
    delivery.status = "pending"
    audit("webhook.redelivered", delivery.webhook, summary=f"delivery {delivery.id}", actor=by)
    enqueue(DELIVER_JOB, delivery.id, queue="low")
