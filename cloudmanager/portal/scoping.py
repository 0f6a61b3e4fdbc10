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


def _found(stmt: Select, what: str) -> Any:
    """The one row `stmt` selects, or NotFound saying that `what` was not found."""
    row = db.session.scalar(stmt)
    if row is None:
        raise NotFound(f"{what} not found.")
    return row


def customer_tickets(user: Any, *, open_only: bool = False) -> Select:
    """The customer's tickets (for keyset pagination)."""
    stmt = select(Ticket).where(Ticket.customer_id == user.customer_id)
    if open_only:
        stmt = stmt.where(Ticket.status.in_(OPEN_STATUSES))
    return stmt


def get_ticket(user: Any, ticket_id: int) -> Ticket:
    """The customer's ticket `ticket_id`, or NotFound."""
    return _found(
        select(Ticket).where(Ticket.id == ticket_id, Ticket.customer_id == user.customer_id),
        "Ticket",
    )


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
    return _found(
        select(TicketAttachment)
        .join(TicketMessage, TicketMessage.id == TicketAttachment.message_id)
        .where(
            TicketAttachment.id == attachment_id,
            TicketAttachment.ticket_id == ticket.id,
            TicketMessage.internal.is_(False),
        ),
        "File",
    )


def customer_invoices(user: Any) -> Select:
    """The customer's issued and void invoices (drafts are the back office's business)."""
    from cloudmanager.invoices.models import DRAFT, Invoice

    return select(Invoice).where(Invoice.customer_id == user.customer_id, Invoice.state != DRAFT)


def get_invoice(user: Any, invoice_id: int):
    """The customer's issued or void invoice `invoice_id`, or NotFound."""
    from cloudmanager.invoices.models import Invoice

    return _found(customer_invoices(user).where(Invoice.id == invoice_id), "Invoice")


def get_credit_note(user: Any, note_id: int):
    """The customer's credit note `note_id`, or NotFound."""
    from cloudmanager.invoices.credit_models import CreditNote

    return _found(
        select(CreditNote).where(
            CreditNote.id == note_id, CreditNote.customer_id == user.customer_id
        ),
        "Credit note",
    )


def customer_services(user: Any) -> Select:
    """The customer's services (for keyset pagination)."""
    from cloudmanager.orders.models import Service

    return select(Service).where(Service.customer_id == user.customer_id)


def get_service(user: Any, service_id: int):
    """The customer's service `service_id`, or NotFound."""
    from cloudmanager.orders.models import Service

    return _found(customer_services(user).where(Service.id == service_id), "Service")


def customer_orders(user: Any) -> Select:
    """The customer's orders (for keyset pagination)."""
    from cloudmanager.orders.models import Order

    return select(Order).where(Order.customer_id == user.customer_id)


def get_order(user: Any, order_id: int):
    """The customer's order `order_id`, or NotFound."""
    from cloudmanager.orders.models import Order

    return _found(customer_orders(user).where(Order.id == order_id), "Order")


def catalog_products(user: Any) -> Select:
    """Products the customer may order here: on sale, shown in the portal, in its currency."""
    from cloudmanager.products.models import Product

    return select(Product).where(
        Product.visible_in_portal.is_(True),
        Product.active.is_(True),
        Product.archived_at.is_(None),
        Product.currency == user.contact.customer.currency,
    )
