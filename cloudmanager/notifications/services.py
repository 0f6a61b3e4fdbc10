"""Write notifications to the outbox; a job sends each one after the commit.

`notify_email("ticket:12:reply:40:to:ada@example.com", …)` adds a row and
enqueues its job in the same transaction. Writing the same event key twice
adds nothing, so retried requests and re-run periodic jobs never send twice.
"""

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from cloudmanager.extensions import db
from cloudmanager.infra.queue import enqueue
from cloudmanager.notifications.models import Notification

SEND_JOB = "cloudmanager.notifications.jobs.send_notification"


def _add(event_key: str, **values: Any) -> Notification | None:
    if db.session.scalar(select(Notification.id).where(Notification.event_key == event_key)):
        return None
    row = Notification(event_key=event_key[:200], **values)
    if db.engine.dialect.name != "postgresql":
        # SQLite serialises writers (and pysqlite's SAVEPOINTs break its transactions).
        db.session.add(row)
        db.session.flush()
    else:
        try:
            with db.session.begin_nested():  # a concurrent writer of the same key loses quietly
                db.session.add(row)
        except IntegrityError:
            return None
    enqueue(SEND_JOB, row.id)
    return row


def notify_email(
    event_key: str,
    to: str,
    subject: str,
    template: str,
    *,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> Notification | None:
    """Queue an email once per `event_key`; None when that event was already queued.

    `headers` (Message-ID, References) let replies find their way back.
    """
    if not to:
        return None
    return _add(
        event_key,
        channel="email",
        recipient=to,
        subject=subject,
        template=template,
        context=context,
        headers=headers or {},
    )


def notify_sms(event_key: str, to: str, body: str) -> Notification | None:
    """Queue a text message once per `event_key`."""
    if not to:
        return None
    return _add(event_key, channel="sms", recipient=to, context={"body": body})
