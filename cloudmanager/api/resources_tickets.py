"""Ticket operations of the JSON API: tickets, their properties and their conversation.

Opening, replying and changing properties run the helpdesk services, so SLA
clocks, status rules, notifications, audit and webhook events (`ticket.created`,
`ticket.replied`) are the same as in the back office. Internal notes are shown
to, and written by, staff tokens only.
"""

from datetime import datetime, timezone

from flask import abort, url_for
from sqlalchemy import select

from cloudmanager.api.listing import listing, sorted_page
from cloudmanager.api.registry import api_user, created, operation
from cloudmanager.api.schemas import ListResponse
from cloudmanager.api.schemas_tickets import (
    MessageIn,
    MessageOut,
    MessageQuery,
    TicketIn,
    TicketOut,
    TicketPatch,
    TicketQuery,
)
from cloudmanager.auth.models import User
from cloudmanager.core.errors import ValidationFailed
from cloudmanager.extensions import db
from cloudmanager.tickets import changes, services
from cloudmanager.tickets.models import Ticket, TicketMessage
from cloudmanager.tickets.queries import ticket_list_statement

TICKET_KEYS = {"created": (Ticket.id,), "last_activity": (Ticket.last_activity_at, Ticket.id)}
MESSAGE_KEYS = {"created": (TicketMessage.id,)}


def find_ticket(ticket_id: int) -> Ticket:
    """The ticket, or a 404 problem."""
    return db.get_or_404(Ticket, ticket_id, description="There is no such ticket.")


def sees_internal() -> bool:
    """Whether the token's owner may read internal notes (staff only)."""
    return bool(getattr(api_user(), "is_staff", False))


def _naive_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value
    try:
        return value.astimezone(timezone.utc).replace(tzinfo=None)
    except OverflowError:
        return datetime.min if value.year == 1 else datetime.max


@operation(
    "/tickets",
    scope="tickets:read",
    tag="Tickets",
    summary="List tickets",
    query=TicketQuery,
    response=ListResponse[TicketOut],
)
def list_tickets_api(query: TicketQuery):
    """Tickets by status, priority, department, customer, assignee, tag, text and activity."""
    filters = {
        "status": query.status or "",
        "priority": query.priority or "",
        "department": query.department,
        "customer": query.customer_id or "",
        "assignee": str(query.assignee_id or ""),
        "tag": query.tag.strip().lower(),
        "q": query.q,
    }
    stmt = ticket_list_statement("all", user=api_user(), filters=filters)
    if query.updated_since is not None:
        stmt = stmt.where(Ticket.last_activity_at >= _naive_utc(query.updated_since))
    return listing(TicketOut, sorted_page(stmt, query, TICKET_KEYS))


def _requester(body: TicketIn):
    """The contact asking: by id, else by the requester's email (as the back office does)."""
    from cloudmanager.customers.models import Contact, Customer
    from cloudmanager.tickets.new_views import contact_by_email

    contact = None
    if body.contact_id is not None:
        contact = db.session.get(Contact, body.contact_id)
        if contact is None:
            raise ValidationFailed({"contact_id": "There is no such contact."})
    elif body.requester_email:
        contact = contact_by_email(body.requester_email)
    customer = contact.customer if contact is not None else None
    if body.customer_id is not None:
        customer = db.session.get(Customer, body.customer_id)
        if customer is None or (contact is not None and contact.customer_id != customer.id):
            raise ValidationFailed({"customer_id": "Not the customer of this requester."})
    if contact is None and customer is None and not body.requester_email:
        raise ValidationFailed({"requester_email": "Say who asks: a contact or an email address."})
    return contact, customer


@operation(
    "/tickets",
    "POST",
    scope="tickets:write",
    tag="Tickets",
    summary="Open a ticket",
    body=TicketIn,
    response=TicketOut,
    status=201,
)
def create_ticket_api(body: TicketIn):
    """Open a ticket with its first message on a customer's behalf (emits `ticket.created`)."""
    contact, customer = _requester(body)
    ticket = services.open_ticket(
        subject=body.subject,
        body=body.body,
        department=body.department,
        priority=body.priority,
        customer=customer,
        requester=contact,
        requester_email=body.requester_email,
        by=api_user(),
        source="api",
    )
    return created(TicketOut.of(ticket), url_for("api_v1.get_ticket_api", ticket_id=ticket.id))


@operation(
    "/tickets/<int:ticket_id>",
    scope="tickets:read",
    tag="Tickets",
    summary="Get a ticket",
    response=TicketOut,
)
def get_ticket_api(ticket_id: int):
    """One ticket with its SLA clocks."""
    return TicketOut.of(find_ticket(ticket_id))


def _assignee(user_id: int | None):
    if user_id is None:
        return None
    user = db.session.get(User, user_id)
    if user is None:
        raise ValidationFailed({"assignee_id": "Choose an active agent."})
    return user


@operation(
    "/tickets/<int:ticket_id>",
    "PATCH",
    scope="tickets:write",
    tag="Tickets",
    summary="Change a ticket",
    body=TicketPatch,
    response=TicketOut,
)
def update_ticket_api(ticket_id: int, body: TicketPatch):
    """Change status, priority, department, assignee or tags (the SLA clocks follow)."""
    ticket = find_ticket(ticket_id)
    wanted = body.changes()
    by = api_user()
    if "status" in wanted:
        services.change_status(ticket, wanted["status"], by=by)
    if "priority" in wanted:
        changes.change_priority(ticket, wanted["priority"], by=by)
    if "department" in wanted:
        changes.change_department(ticket, wanted["department"], by=by)
    if "assignee_id" in wanted:
        changes.change_assignee(ticket, _assignee(wanted["assignee_id"]), by=by)
    if "tags" in wanted:
        changes.set_tags(ticket, wanted["tags"], by=by)
    db.session.flush()
    return TicketOut.of(ticket)


def _messages(ticket: Ticket):
    stmt = select(TicketMessage).where(TicketMessage.ticket_id == ticket.id)
    return stmt if sees_internal() else stmt.where(TicketMessage.internal.is_(False))


@operation(
    "/tickets/<int:ticket_id>/messages",
    scope="tickets:read",
    tag="Tickets",
    summary="List a ticket's messages",
    query=MessageQuery,
    response=ListResponse[MessageOut],
)
def list_messages_api(ticket_id: int, query: MessageQuery):
    """The conversation, oldest first; internal notes only for staff tokens."""
    stmt = _messages(find_ticket(ticket_id))
    return listing(MessageOut, sorted_page(stmt, query, MESSAGE_KEYS))


@operation(
    "/tickets/<int:ticket_id>/messages",
    "POST",
    scope="tickets:write",
    tag="Tickets",
    summary="Reply or add an internal note",
    body=MessageIn,
    response=MessageOut,
    status=201,
)
def create_message_api(ticket_id: int, body: MessageIn):
    """A public reply (emits `ticket.replied`, waits on the customer) or an internal note."""
    message = services.add_reply(
        find_ticket(ticket_id), author=api_user(), body=body.body, internal=body.internal
    )
    location = url_for("api_v1.get_message_api", ticket_id=ticket_id, message_id=message.id)
    return created(MessageOut.of(message), location)


@operation(
    "/tickets/<int:ticket_id>/messages/<int:message_id>",
    scope="tickets:read",
    tag="Tickets",
    summary="Get a message",
    response=MessageOut,
)
def get_message_api(ticket_id: int, message_id: int):
    """One message of this ticket (another ticket's message is a 404)."""
    ticket = find_ticket(ticket_id)
    message = db.session.scalar(_messages(ticket).where(TicketMessage.id == message_id))
    if message is None:
        abort(404, "There is no such message.")
    return MessageOut.of(message)
