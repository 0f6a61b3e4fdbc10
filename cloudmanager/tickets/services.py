"""Ticket operations: open, reply, change status, and the SLA clocks behind them.

Changes to a ticket's other fields (priority, department, assignee, tags,
customer) are in `tickets/changes.py`.

Every operation is audited on the ticket (its history) and writes its
notifications to the outbox in the same transaction. Callers commit.
"""

from typing import Any, Iterable

from cloudmanager.core.audit import audit
from cloudmanager.core.errors import DomainError, ValidationFailed
from cloudmanager.core.timeutil import utcnow
from cloudmanager.extensions import db
from cloudmanager.tickets import notify
from cloudmanager.tickets.attachments import store_attachments
from cloudmanager.tickets.events import emit_ticket_event
from cloudmanager.tickets.helpdesk import calendar_for, departments, sla_targets, support_tier_for
from cloudmanager.tickets.measures import clear_resolution, record_first_response, record_resolution
from cloudmanager.tickets.models import (
    DONE_STATUSES,
    PAUSED_STATUSES,
    PRIORITIES,
    STATUSES,
    Ticket,
    TicketMessage,
)
from cloudmanager.tickets.sla import business_minutes_between, due_at

MAX_BODY = 50_000


def _clean_body(body: str | None) -> str:
    body = (body or "").replace("\r\n", "\n").strip()
    if not body:
        raise ValidationFailed({"body": "Write a message."})
    if len(body) > MAX_BODY:
        raise ValidationFailed({"body": f"Keep the message under {MAX_BODY:,} characters."})
    return body


def _author(author: Any) -> dict[str, Any]:
    """Message author columns for a staff user, a contact, a portal user or an email address."""
    if getattr(author, "is_staff", False):
        return {"author_user_id": author.id, "author_label": author.name}
    contact = getattr(author, "contact", None) or author
    if hasattr(contact, "customer_id"):
        return {"author_contact_id": contact.id, "author_label": contact.name}
    return {"author_label": str(author or "Unknown sender")[:254]}


def apply_sla(ticket: Ticket, start) -> None:
    """(Re)compute the due times from `start` with the ticket's tier, priority and department."""
    first, resolve = sla_targets(ticket.support_tier, ticket.priority)
    calendar = calendar_for(ticket.department)
    ticket.sla_clock_started_at = start
    if ticket.first_responded_at is None:
        ticket.first_response_due_at = due_at(ticket.created_at or start, first, calendar)
    ticket.resolution_due_at = due_at(start, resolve, calendar)


def _validate_new(subject: str, department: str, priority: str) -> dict[str, str]:
    errors = {}
    if not (subject or "").strip():
        errors["subject"] = "Enter a subject."
    elif len(subject.strip()) > 200:
        errors["subject"] = "Keep the subject under 200 characters."
    if department not in departments():
        errors["department"] = "Choose a department."
    if priority not in PRIORITIES:
        errors["priority"] = "Choose a priority."
    return errors


def open_ticket(
    *,
    subject: str,
    body: str,
    department: str,
    priority: str = "normal",
    customer: Any = None,
    requester: Any = None,
    requester_email: str = "",
    requester_name: str = "",
    by: Any = None,
    source: str = "web",
    attachments: Iterable = (),
    email_message_id: str | None = None,
) -> Ticket:
    """Open a ticket with its first message; SLA clocks start now."""
    errors = _validate_new(subject, department, priority)
    try:
        body = _clean_body(body)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    if requester is not None and customer is None:
        customer = requester.customer
    now = utcnow()
    ticket = Ticket(
        subject=subject.strip(),
        customer=customer,
        requester=requester,
        requester_email=(getattr(requester, "email", "") or requester_email or "").lower(),
        requester_name=getattr(requester, "name", "") or requester_name or "",
        department=department,
        priority=priority,
        status="new",
        support_tier=support_tier_for(customer),
        source=source,
        created_at=now,
        last_activity_at=now,
    )
    apply_sla(ticket, now)
    db.session.add(ticket)
    db.session.flush()
    ticket.number = f"T-{ticket.id:06d}"
    # Staff opening a ticket on a customer's behalf write the customer's words.
    on_behalf = by is None or getattr(by, "is_staff", False)
    author = (requester or requester_email) if on_behalf else by
    message = _add_message(ticket, author, body, False, source, attachments, email_message_id)
    audit("ticket.opened", ticket, after={"subject": ticket.subject}, actor=by, summary=subject)
    notify.ticket_opened(ticket, message)
    notify.acknowledge(ticket)
    emit_ticket_event("ticket.created", ticket, message)
    return ticket


def _add_message(ticket, author, body, internal, source, attachments, email_message_id):
    message = TicketMessage(
        ticket=ticket,
        body=body,
        internal=internal,
        source=source,
        email_message_id=email_message_id,
        **_author(author),
    )
    db.session.add(message)
    db.session.flush()
    store_attachments(ticket, message, attachments)
    return message


def add_reply(
    ticket: Ticket,
    *,
    author: Any,
    body: str,
    internal: bool = False,
    attachments: Iterable = (),
    source: str = "web",
    email_message_id: str | None = None,
) -> TicketMessage:
    """Add a public reply or an internal note; moves the status as the rules say.

    A staff reply is the first response and waits on the customer; a customer
    reply reopens a ticket that was waiting, resolved or closed.
    """
    body = _clean_body(body)
    staff = getattr(author, "is_staff", False)
    if internal and not staff:
        raise DomainError("Only staff can write internal notes.")
    message = _add_message(ticket, author, body, internal, source, attachments, email_message_id)
    now = utcnow()
    if not internal:
        ticket.last_activity_at = now
        if staff:
            if ticket.first_responded_at is None:
                ticket.first_responded_at = now
                record_first_response(ticket, now)
            if ticket.status in ("new", "open"):
                _set_status(ticket, "waiting", by=author)
        elif ticket.status in DONE_STATUSES:
            _set_status(ticket, "open", by=author, summary="reopened by the customer's reply")
        elif ticket.status == "waiting":
            _set_status(ticket, "open", by=author)
    audit(
        "ticket.note_added" if internal else "ticket.replied",
        ticket,
        summary=f"message #{message.id}",
        actor=author if staff else None,
    )
    if not internal:
        notify.message_added(ticket, message, from_staff=staff)
        emit_ticket_event("ticket.replied", ticket, message)
    return message


def _set_status(ticket: Ticket, status: str, *, by: Any, summary: str = "") -> None:
    old = ticket.status
    if old == status:
        return
    now = utcnow()
    ticket.status = status
    if status in DONE_STATUSES and (status == "resolved" or ticket.resolved_at is None):
        ticket.resolved_at = now
        record_resolution(ticket, now)  # before a pause ends: a paused clock stopped then
    if status == "closed":
        ticket.closed_at = now
    elif old in DONE_STATUSES and status not in DONE_STATUSES:
        ticket.resolved_at = ticket.closed_at = None
        clear_resolution(ticket)
        ticket.sla_paused_at = None
        apply_sla(ticket, now)  # a reopened ticket gets a fresh resolution clock
    _pause_or_resume(ticket, old, status, now)
    if status == "closed":
        emit_ticket_event("ticket.closed", ticket)
    actor = by if getattr(by, "is_staff", False) else None
    audit(
        "ticket.status_changed",
        ticket,
        before={"status": old},
        after={"status": status},
        summary=summary,
        actor=actor,
    )


def _pause_or_resume(ticket: Ticket, old: str, status: str, now) -> None:
    """Stop the resolution clock while waiting on the customer or on hold; resume it after.

    On resume the business minutes that were left at the pause run again from now.
    """
    if status in PAUSED_STATUSES and old not in PAUSED_STATUSES:
        ticket.sla_paused_at = now
        return
    if old in PAUSED_STATUSES and status not in PAUSED_STATUSES and ticket.sla_paused_at:
        if status not in DONE_STATUSES and ticket.resolution_due_at:
            calendar = calendar_for(ticket.department)
            left = business_minutes_between(
                ticket.sla_paused_at, ticket.resolution_due_at, calendar
            )
            if left > 0:
                ticket.resolution_due_at = due_at(now, left, calendar)
        ticket.sla_paused_at = None


def change_status(ticket: Ticket, status: str, *, by: Any) -> None:
    """Move the ticket to another status (resolved/closed stamp the time; reopen restarts)."""
    if status not in STATUSES:
        raise ValidationFailed({"status": "Choose a status."})
    _set_status(ticket, status, by=by)
