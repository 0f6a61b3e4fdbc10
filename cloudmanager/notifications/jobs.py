"""The job that sends one outbox row (retried by RQ; never sends a row twice)."""

from typing import Any

from sqlalchemy import update

from cloudmanager.core.timeutil import utcnow
from cloudmanager.extensions import db
from cloudmanager.notifications.models import Notification


def send_notification(notification_id: int) -> str:
    """Send the row once: it is claimed with a conditional UPDATE before sending."""
    claimed: Any = db.session.execute(
        update(Notification)
        .where(Notification.id == notification_id, Notification.status.in_(("pending", "failed")))
        .values(status="sending", attempts=Notification.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if claimed.rowcount != 1:
        return "skipped"
    row = db.session.get(Notification, notification_id)
    assert row is not None  # claimed above
    try:
        _deliver(row)
    except Exception as exc:
        db.session.rollback()
        row = db.session.get(Notification, notification_id)
        assert row is not None
        row.status, row.last_error = "failed", f"{exc.__class__.__name__}: {exc}"[:2000]
        db.session.commit()
        raise
    row.status, row.sent_at = "sent", utcnow()
    db.session.commit()
    return "sent"


def _deliver(row: Notification) -> None:
    if row.channel == "sms":
        from cloudmanager.infra.sms import send_sms

        send_sms(row.recipient, row.context.get("body", ""))
        return
    if row.template.startswith("notification:"):
        _send_rendered(row)
        return
    from cloudmanager.infra.mail import send_email

    send_email(row.recipient, row.subject, row.template, **row.context)


def _threading(row: Notification) -> dict[str, str]:
    refs = row.headers.get("References")
    return {"References": refs, "In-Reply-To": refs} if refs else {}


def _send_rendered(row: Notification) -> None:
    """A customer-facing email whose templates staff may edit (rendered in the sandbox)."""
    from flask import current_app
    from flask_mail import Message

    from cloudmanager.extensions import mail
    from cloudmanager.settings.notifications import render_notification
    from cloudmanager.settings.services import get_setting

    subject, text, html = render_notification(row.template.split(":", 1)[1], row.context)
    message = Message(
        subject=subject,
        recipients=[row.recipient],
        body=text,
        html=html,
        sender=get_setting("notifications.sender") or current_app.config["MAIL_DEFAULT_SENDER"],
        # Tells the customer's mail system not to auto-reply (no out-of-office loops).
        extra_headers={"Auto-Submitted": "auto-generated", **_threading(row)},
    )
    if row.headers.get("Message-ID"):
        message.msgId = row.headers["Message-ID"]
    if current_app.config.get("MAIL_SERVER"):
        mail.send(message)
