"""Inbound email → tickets and replies (the MTA pipe and the HTTP endpoint share this).

A message is threaded onto a ticket by `In-Reply-To`/`References` (Message-IDs
we stored) or by the ticket number in the subject, but only when the sender is
the ticket's requester or a contact of its customer; anything else opens a new
ticket. Quoted history is trimmed, attachments are kept when their type is
allowed, and auto-replies, bounces, lists and our own mail are ignored.
"""

import email
import email.policy
import re
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr

from flask import current_app
from sqlalchemy import func, select

from cloudmanager.extensions import db
from cloudmanager.infra import storage
from cloudmanager.tickets import services
from cloudmanager.tickets.attachments import ALLOWED, MAX_FILES
from cloudmanager.tickets.helpdesk import departments
from cloudmanager.tickets.models import Ticket, TicketMessage
from cloudmanager.tickets.text import html_to_text, trim_quoted

OUR_MESSAGE_ID = re.compile(r"<cm\.t(\d+)[.@]")
NUMBER_IN_SUBJECT = re.compile(r"\[?\b(T-\d{6,})\b\]?", re.I)
AUTO_SUBJECT = re.compile(
    r"^(auto(matic)?[ -]?reply|out of (the )?office|abwesenheit|autoreply|"
    r"undeliverable|delivery status notification|mail delivery failed)",
    re.I,
)


@dataclass
class IngestResult:
    """What happened to one message: created, replied or ignored (with the reason)."""

    action: str
    ticket: Ticket | None = None
    reason: str = ""


def parse(raw: bytes) -> EmailMessage:
    """Parse raw RFC 822 bytes."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)  # the default policy makes EmailMessages
    return message


def _own_addresses() -> set[str]:
    sender = parseaddr(current_app.config.get("MAIL_DEFAULT_SENDER") or "")[1]
    return {sender.lower()} if sender else set()


def ignore_reason(message: EmailMessage, sender: str) -> str | None:
    """Why the message must not become a ticket (auto-reply, bounce, list, loop), if so."""
    auto = (message.get("Auto-Submitted") or "no").strip().lower()
    if auto != "no":
        return f"auto-submitted ({auto})"
    if any(message.get(h) for h in ("X-Autoreply", "X-Autorespond", "X-Auto-Reply")):
        return "auto-reply header"
    if (message.get("Precedence") or "").strip().lower() in ("bulk", "junk", "list", "auto_reply"):
        return "bulk precedence"
    if message.get("List-Id") or message.get("List-Unsubscribe"):
        return "mailing list"
    if not sender or (message.get("Return-Path") or "").strip() == "<>":
        return "bounce (no sender)"
    if sender in _own_addresses() or sender.startswith(("mailer-daemon@", "postmaster@")):
        return "our own or a system address (loop)"
    if AUTO_SUBJECT.match((message.get("Subject") or "").strip()):
        return "auto-reply subject"
    return None


def body_text(message: EmailMessage) -> str:
    """The new text of the message: plain text preferred, else HTML as text; quotes cut."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = part.get_content()
    if part.get_content_type() == "text/html":
        content = html_to_text(content)
    return trim_quoted(content)


def attachments(message: EmailMessage) -> tuple[list[tuple[str, bytes]], list[str]]:
    """(kept (name, bytes) pairs, names refused by type, size or count)."""
    kept: list[tuple[str, bytes]] = []
    refused: list[str] = []
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    for part in message.iter_attachments():
        name = storage.clean_original_name(part.get_filename() or "attachment")
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        kind = storage.sniff_kind(data[: storage.SNIFF_BYTES], name)
        if kind not in ALLOWED or not data or len(data) > limit or len(kept) >= MAX_FILES:
            refused.append(name)
        else:
            kept.append((name, data))
    return kept, refused


def _referenced_ticket(message: EmailMessage) -> Ticket | None:
    ids = " ".join(message.get_all("References", []) + message.get_all("In-Reply-To", []))
    ours = OUR_MESSAGE_ID.search(ids)  # a reply to one of our emails (see notify.thread_headers)
    if ours:
        return db.session.get(Ticket, int(ours.group(1)))
    for message_id in re.findall(r"<[^<>\s]+>", ids):
        ticket_id = db.session.scalar(
            select(TicketMessage.ticket_id).where(TicketMessage.email_message_id == message_id)
        )
        if ticket_id:
            return db.session.get(Ticket, ticket_id)
    match = NUMBER_IN_SUBJECT.search(message.get("Subject") or "")
    if match:
        return db.session.scalar(select(Ticket).where(Ticket.number == match.group(1).upper()))
    return None


def _sender_may_reply(ticket: Ticket, sender: str) -> bool:
    if ticket.requester_email and ticket.requester_email.lower() == sender:
        return True
    return ticket.customer is not None and any(
        (c.email or "").lower() == sender for c in ticket.customer.contacts
    )


def _find_contact(sender: str):
    from cloudmanager.customers.models import Contact

    return db.session.scalar(
        select(Contact).where(func.lower(Contact.email) == sender).order_by(Contact.id).limit(1)
    )


def ingest(raw: bytes) -> IngestResult:
    """Turn one raw email into a new ticket or a reply (the caller commits)."""
    message = parse(raw)
    name, sender = parseaddr(message.get("From") or "")
    sender = sender.strip().lower()
    reason = ignore_reason(message, sender)
    if reason:
        return IngestResult("ignored", reason=reason)
    message_id = (message.get("Message-ID") or "").strip()[:255] or None
    if message_id and db.session.scalar(
        select(TicketMessage.id).where(TicketMessage.email_message_id == message_id)
    ):
        return IngestResult("ignored", reason="already received (same Message-ID)")
    files, refused = attachments(message)
    text = body_text(message)
    if refused:
        text += "\n\n[Not accepted: " + ", ".join(refused) + "]"
    text = text.strip() or "(no text)"
    ticket = _referenced_ticket(message)
    if ticket is not None and _sender_may_reply(ticket, sender):
        contact = ticket.requester if ticket.requester_email == sender else _find_contact(sender)
        services.add_reply(
            ticket,
            author=contact or sender,
            body=text,
            attachments=files,
            source="email",
            email_message_id=message_id,
        )
        return IngestResult("replied", ticket)
    contact = _find_contact(sender)
    subject = (message.get("Subject") or "").strip()[:200] or "(no subject)"
    ticket = services.open_ticket(
        subject=subject,
        body=text,
        department=departments()[0],
        requester=contact,
        requester_email=sender,
        requester_name=name or _display_name(message),
        source="email",
        attachments=files,
        email_message_id=message_id,
    )
    return IngestResult("created", ticket)


def _display_name(message: EmailMessage) -> str:
    pairs = getaddresses([message.get("From") or ""])
    return pairs[0][0] if pairs else ""
