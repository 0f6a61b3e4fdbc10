"""Background jobs: order and service emails, and the daily billing run."""

import logging

from cloudmanager.core.timeutil import utcnow
from cloudmanager.extensions import db
from cloudmanager.orders.models import ServiceNotification
from cloudmanager.periodic import register_periodic

log = logging.getLogger(__name__)

register_periodic("billing-run", 3600, "cloudmanager.orders.jobs.billing_run")


def billing_run(trigger: str = "schedule") -> int:
    """The billing run for today (hourly is harmless: each period is billed once)."""
    from cloudmanager.orders.billing import run_billing

    return run_billing(trigger=trigger).id


def send_service_notification(row_id: int) -> bool:
    """Send one outbox row once; the row is marked sent in the same commit."""
    from cloudmanager.infra.mail import send_email
    from cloudmanager.orders.notifications import EDITABLE, notification_context
    from cloudmanager.settings.notifications import render_notification

    row = db.session.get(ServiceNotification, row_id)
    if row is None or row.sent_at is not None:
        return False
    context = notification_context(row)
    address = context["customer"]["email"]
    if row.event in EDITABLE:
        subject, text, html = render_notification(row.event, context)
        send_email(address, subject, "notification", body_text=text, body_html=html)
    else:
        subject = f"Your service {context['service']['name']} is active"
        send_email(address, subject, row.event, **context)
    row.sent_at = utcnow()
    db.session.commit()
    return True
