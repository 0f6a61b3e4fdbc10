"""Email through Flask-Mail; bodies come from `templates/email/<name>.txt` + `.html`.

Without `MAIL_SERVER` the message is written to the log instead, so the
embedded default works with no SMTP server. Call `send_email` from jobs;
request code enqueues `send_email_job` (after its commit) instead.
"""

import logging
from dataclasses import dataclass

from flask import current_app, render_template
from flask_mail import Message

from cloudmanager.extensions import mail

log = logging.getLogger(__name__)


@dataclass
class Attachment:
    """A file attached to an email."""

    filename: str
    content_type: str
    data: bytes


def company_context() -> dict[str, str]:
    """Sender details every email layout shows (from the settings)."""
    from cloudmanager.settings.services import get_setting

    return {
        "company_name": get_setting("company.legal_name"),
        "company_address": get_setting("company.address"),
        "company_email": get_setting("company.email"),
    }


def render_email(template: str, **context) -> tuple[str, str]:
    """The text and HTML bodies of `templates/email/<template>.{txt,html}`.

    Both extend `email/_layout.*`, which show the company from the settings.
    """
    context = {**company_context(), **context}
    text = render_template(f"email/{template}.txt", **context)
    html = render_template(f"email/{template}.html", **context)
    return text, html


def send_email(
    to: str | list[str],
    subject: str,
    template: str,
    *,
    attachments: list[Attachment] | None = None,
    sender: str | None = None,
    reply_to: str | None = None,
    **context,
) -> Message:
    """Render and send one email now (call from a job, not a request)."""
    recipients: list[str | tuple[str, str]] = [to] if isinstance(to, str) else list(to)
    text, html = render_email(template, **context)
    message = Message(
        subject=subject,
        recipients=recipients,
        body=text,
        html=html,
        sender=sender or current_app.config["MAIL_DEFAULT_SENDER"],
        reply_to=reply_to,
    )
    for attachment in attachments or []:
        message.attach(attachment.filename, attachment.content_type, attachment.data)
    if current_app.config.get("MAIL_SERVER"):
        mail.send(message)
    else:
        log.info("mail (no MAIL_SERVER set) to=%s subject=%r\n%s", recipients, subject, text)
    return message


def send_email_job(to: str | list[str], subject: str, template: str, **context) -> None:
    """The RQ job behind `enqueue("cloudmanager.infra.mail.send_email_job", …)`."""
    send_email(to, subject, template, **context)
