"""Who hears about what on a ticket; every message goes through the outbox, once per event.

Internal notes never reach this module's customer-facing functions: callers
pass only public messages, and `message_added` refuses internal ones again.
"""

import hashlib
from typing import Any

from sqlalchemy import select

from cloudmanager.auth.models import User
from cloudmanager.auth.tokens import absolute_url
from cloudmanager.extensions import db
from cloudmanager.notifications.services import notify_email, notify_sms
from cloudmanager.tickets.helpdesk import department_member_ids, works_tickets

AGENT_ROLES = ("agent", "manager")


def department_agents(department: str) -> list[User]:
    """The staff who answer `department`'s tickets: its active members.

    A department nobody was made a member of (on the helpdesk settings page),
    or whose members are all disabled, falls back to every active agent and
    manager, so a new ticket never goes unannounced.
    """
    member_ids = department_member_ids(department)
    if member_ids:
        members = select(User).where(works_tickets(), User.id.in_(member_ids)).order_by(User.id)
        found = list(db.session.scalars(members))
        if found:
            return found
    fallback = select(User).where(User.active.is_(True), User.role.in_(AGENT_ROLES))
    return list(db.session.scalars(fallback.order_by(User.id)))


def subject_line(ticket: Any, text: str | None = None) -> str:
    """The email subject with the ticket number that threads replies."""
    return f"[{ticket.number}] {text or ticket.subject}"


def _staff_link(ticket: Any) -> str:
    return absolute_url("tickets.detail", ticket_id=ticket.id)


def _portal_link(ticket: Any) -> str:
    from flask import current_app

    if "portal.ticket" not in current_app.view_functions:
        return ""
    return absolute_url("portal.ticket", ticket_id=ticket.id)


def _ticket_context(ticket: Any) -> dict[str, Any]:
    return {
        "number": ticket.number,
        "ticket_subject": ticket.subject,
        "department": ticket.department,
        "priority": ticket.priority_label,
        "status": ticket.status_label,
        "requester": ticket.requester_label,
        "customer": ticket.customer.name if ticket.customer else "No customer yet",
    }


def ticket_opened(ticket: Any, message: Any) -> None:
    """Tell the department's agents about a new ticket."""
    for agent in department_agents(ticket.department):
        notify_email(
            f"ticket:{ticket.id}:opened:to-user:{agent.id}",
            agent.email,
            subject_line(ticket, f"New ticket: {ticket.subject}"),
            "ticket_staff_new",
            name=agent.name,
            link=_staff_link(ticket),
            body=message.body,
            **_ticket_context(ticket),
        )


def message_added(ticket: Any, message: Any, *, from_staff: bool) -> None:
    """A public message: staff replies go to the requester, customer replies to the assignee."""
    if message.internal:
        return
    if from_staff:
        _reply_to_requester(ticket, message)
    elif ticket.assignee is not None and ticket.assignee.active:
        notify_email(
            f"ticket:{ticket.id}:message:{message.id}:to-user:{ticket.assignee_id}",
            ticket.assignee.email,
            subject_line(ticket, f"Customer replied: {ticket.subject}"),
            "ticket_staff_customer_reply",
            name=ticket.assignee.name,
            link=_staff_link(ticket),
            body=message.body,
            **_ticket_context(ticket),
        )


def _customer_context(ticket: Any) -> dict[str, Any]:
    """The plain-data context of the customer-facing templates (editable in the settings)."""
    return {
        "customer": {
            "name": ticket.requester_label,
            "company": ticket.customer.name if ticket.customer else "",
            "email": ticket.requester_email,
        },
        "ticket": {
            "number": ticket.number,
            "subject": ticket.subject,
            "priority": ticket.priority,
            "department": ticket.department,
            "url": _portal_link(ticket) if ticket.requester_id else "",
        },
    }


def thread_headers(ticket: Any, key: str) -> dict[str, str]:
    """Message-ID and References of a customer email: replies carry them back to the ticket."""
    from email.utils import parseaddr

    from flask import current_app

    domain = parseaddr(current_app.config.get("MAIL_DEFAULT_SENDER") or "")[1].partition("@")[2]
    domain = domain or "cloudmanager.invalid"
    digest = hashlib.sha1(key.encode()).hexdigest()[:12]
    return {
        "Message-ID": f"<cm.t{ticket.id}.{digest}@{domain}>",
        "References": f"<cm.t{ticket.id}@{domain}>",
    }


def _customer_email(event: str, key: str, ticket: Any, **extra: Any) -> None:
    from cloudmanager.settings.notifications import notification_enabled

    if ticket.requester_email and notification_enabled(event, "email"):
        context = {**_customer_context(ticket), **extra}
        headers = thread_headers(ticket, key)
        notify_email(
            key, ticket.requester_email, "", f"notification:{event}", headers=headers, **context
        )


def acknowledge(ticket: Any) -> None:
    """Confirm to the requester that the ticket was received."""
    _customer_email("ticket_created", f"ticket:{ticket.id}:created:to-requester", ticket)


def _reply_to_requester(ticket: Any, message: Any) -> None:
    reply = {
        "author": message.author_label,
        "body": message.body,
        "created_at": message.created_at.isoformat(timespec="minutes"),
    }
    _customer_email(
        "ticket_reply", f"ticket:{ticket.id}:message:{message.id}:to-requester", ticket, reply=reply
    )
    if ticket.priority == "urgent":
        text = (
            f'{ticket.number}: we replied to your urgent ticket "{ticket.subject[:60]}". '
            "Check your email or the customer portal."
        )
        for contact in sms_contacts(ticket):
            notify_sms(
                f"ticket:{ticket.id}:message:{message.id}:sms:{contact.id}", contact.phone, text
            )


def sms_contacts(ticket: Any) -> list[Any]:
    """The customer's contacts who accept SMS, one per phone number (the first contact's).

    Not only the requester: an urgent ticket concerns everyone at the customer
    who asked to be texted. A ticket without a customer texts nobody.
    """
    from cloudmanager.customers.models import Contact

    if ticket.customer_id is None:
        return []
    contacts = db.session.scalars(
        select(Contact)
        .where(
            Contact.customer_id == ticket.customer_id,
            Contact.receives_sms.is_(True),
            Contact.phone != "",
        )
        .order_by(Contact.id)
    )
    by_number: dict[str, Any] = {}
    for contact in contacts:
        by_number.setdefault(_phone_key(contact.phone), contact)
    return [contact for key, contact in by_number.items() if key]


def _phone_key(phone: str) -> str:
    """The number without spaces, dashes, dots and brackets: "+49 151 1234" = "+491511234"."""
    return "".join(ch for ch in phone if ch.isdigit() or ch == "+")


def ticket_assigned(ticket: Any, assignee: Any, *, event_id: int) -> None:
    """Tell an agent a ticket is now theirs."""
    notify_email(
        f"ticket:{ticket.id}:assigned:{event_id}",
        assignee.email,
        subject_line(ticket, f"Assigned to you: {ticket.subject}"),
        "ticket_staff_assigned",
        name=assignee.name,
        link=_staff_link(ticket),
        **_ticket_context(ticket),
    )


def sla_warning(ticket: Any, kind: str, due: Any) -> None:
    """Warn the assignee (or every agent when unassigned) before a target is missed."""
    recipients = [ticket.assignee] if ticket.assignee else department_agents(ticket.department)
    label = "first response" if kind == "first_response" else "resolution"
    for user in recipients:
        notify_email(
            f"ticket:{ticket.id}:sla:{kind}:{due.isoformat()}:to-user:{user.id}",
            user.email,
            subject_line(ticket, f"SLA {label} due {due:%d %b %H:%M} UTC: {ticket.subject}"),
            "ticket_staff_sla_warning",
            name=user.name,
            link=_staff_link(ticket),
            target=label,
            due=f"{due:%d %b %Y %H:%M} UTC",
            **_ticket_context(ticket),
        )
