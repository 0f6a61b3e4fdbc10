"""Every portal read goes through here: rows of the signed-in user's customer, public only.

A row of another customer, or an internal note's attachment, is simply not
found: the portal answers 404 and never says that it exists.
"""

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from cloudmanager.core.errors import NotFound
from cloudmanager.extensions import db
from cloudmanager.tickets.models import OPEN_STATUSES, Ticket, TicketAttachment, TicketMessage


def customer_tickets(user: Any, *, open_only: bool = False) -> Select:
    """The customer's tickets (for keyset pagination)."""
    stmt = select(Ticket).where(Ticket.customer_id == user.customer_id)
    if open_only:
        stmt = stmt.where(Ticket.status.in_(OPEN_STATUSES))
    return stmt


def get_ticket(user: Any, ticket_id: int) -> Ticket:
    """The customer's ticket `ticket_id`, or NotFound."""
    ticket = db.session.scalar(
        select(Ticket).where(Ticket.id == ticket_id, Ticket.customer_id == user.customer_id)
    )
    if ticket is None:
        raise NotFound("Ticket not found.")
    return ticket


def public_messages(ticket: Ticket) -> list[TicketMessage]:
    """The conversation without internal notes."""
    return list(
        db.session.scalars(
            select(TicketMessage)
            .options(selectinload(TicketMessage.attachments))
            .where(TicketMessage.ticket_id == ticket.id, TicketMessage.internal.is_(False))
            .order_by(TicketMessage.id)
        )
    )


def get_attachment(user: Any, ticket_id: int, attachment_id: int) -> TicketAttachment:
    """An attachment of a public message on the customer's ticket, or NotFound."""
    ticket = get_ticket(user, ticket_id)
    row = db.session.scalar(
        select(TicketAttachment)
        .join(TicketMessage, TicketMessage.id == TicketAttachment.message_id)
        .where(
            TicketAttachment.id == attachment_id,
            TicketAttachment.ticket_id == ticket.id,
            TicketMessage.internal.is_(False),
        )
    )
    if row is None:
        raise NotFound("File not found.")
    return row
