"""Background jobs: order and service emails, and the daily billing run."""

import logging

from cloudmanager.core.timeutil import utcnow
from cloudmanager.extensions import db
from cloudmanager.orders.models import ServiceNotification
from cloudmanager.periodic import register_periodic

log = logging.getLogger(__name__)

# Daily: renewals are billed `invoicing.renewal_days_before` ahead, so a day the clock
# misses only delays them by a day, and the next run catches up every missed period.
register_periodic("billing-run", 24 * 3600, "cloudmanager.orders.jobs.billing_run")


def billing_run(trigger: str = "schedule") -> int | None:
    """The billing run for today; None (and no run recorded) while another run is going."""
    from cloudmanager.orders.run_lock import RunInProgress, run_billing_exclusively

    try:
        return run_billing_exclusively(trigger=trigger).id
    except RunInProgress:
        log.info("billing run (%s) skipped: another run is still going", trigger)
        return None


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
