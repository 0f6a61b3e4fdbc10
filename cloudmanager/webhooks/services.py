"""Register webhooks and emit events; deliveries go out in RQ jobs after the commit."""

import ipaddress
import secrets
import socket
import uuid
from typing import Any, Iterable
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import insert, select

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
    return _queue(event, [_payload(event, data, event_id)])


def emit_events(event: str, items: Iterable[dict[str, Any]]) -> int:
    """Queue `event` once per item of `items` (one event each), as `emit_event` does.

    For bulk changes (a CSV import): one query finds the subscribed webhooks and
    one INSERT writes a delivery row per webhook and item; when no webhook
    subscribes, `items` is not even read. Returns how many deliveries were queued.
    """
    return _queue(event, (_payload(event, data) for data in items))


def _payload(event: str, data: dict[str, Any], event_id: str | None = None) -> dict[str, Any]:
    return {
        "id": event_id or uuid.uuid4().hex,
        "event": event,
        "created_at": utcnow().isoformat() + "Z",
        "data": data,
    }


def _queue(event: str, payloads: Iterable[dict[str, Any]]) -> int:
    """Write a delivery row per subscribed webhook and payload; each is sent after the commit."""
    if event not in EVENTS:
        raise ValueError(f"unknown webhook event {event!r}")
    active = db.session.scalars(select(Webhook).where(Webhook.active.is_(True)))
    hooks = [webhook.id for webhook in active if event in webhook.events]
    if not hooks:
        return 0
    rows = [
        {"webhook_id": hook, "event_id": payload["id"], "event": event, "payload": payload}
        for payload in payloads
        for hook in hooks
    ]
    if not rows:
        return 0
    stmt = insert(WebhookDelivery).returning(WebhookDelivery.id)
    ids = db.session.scalars(stmt, rows).all()
    for delivery_id in ids:
        enqueue(DELIVER_JOB, delivery_id, queue="low")
    return len(ids)


def redeliver(delivery: WebhookDelivery, *, by: Any) -> None:
    """Send a delivery again by hand (whatever happened before)."""
    delivery.status = "pending"
    audit("webhook.redelivered", delivery.webhook, summary=f"delivery {delivery.id}", actor=by)
    enqueue(DELIVER_JOB, delivery.id, queue="low")
