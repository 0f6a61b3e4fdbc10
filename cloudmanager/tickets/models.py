"""Tickets, their conversation, attachments, tags and canned responses."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cloudmanager.core.timeutil import utcnow
from cloudmanager.extensions import db

PRIORITIES = {"low": "Low", "normal": "Normal", "high": "High", "urgent": "Urgent"}
STATUSES = {
    "new": "New",
    "open": "Open",
    "waiting": "Waiting on customer",
    "on_hold": "On hold",
    "resolved": "Resolved",
    "closed": "Closed",
}
OPEN_STATUSES = ("new", "open", "waiting", "on_hold")
PAUSED_STATUSES = ("waiting", "on_hold")  # the resolution clock stops while we wait
DONE_STATUSES = ("resolved", "closed")


class Ticket(db.Model):
    """A support request of a customer (or of an unknown sender, until linked)."""

    __tablename__ = "tickets"
    __audit_type__ = "ticket"
    __table_args__ = (
        Index("ix_tickets_status_id", "status", "id"),
        Index("ix_tickets_assignee_id_id", "assignee_id", "id"),
        Index("ix_tickets_customer_id_id", "customer_id", "id"),
        Index("ix_tickets_resolution_due_at", "resolution_due_at"),
        Index("ix_tickets_created_at", "created_at"),
        # The helpdesk reports read these columns only: index-only scans of a period.
        Index(
            "ix_tickets_first_response_measures",
            "first_responded_at",
            *("first_response_business_minutes", "first_response_sla_met"),
            *("department", "assignee_id", "priority"),
        ),
        Index(
            "ix_tickets_resolution_measures",
            "resolved_at",
            *("resolution_business_minutes", "resolution_sla_met"),
            *("department", "assignee_id", "priority"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(String(20), unique=True)
    subject: Mapped[str] = mapped_column(String(200))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"))
    requester_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    requester_email: Mapped[str] = mapped_column(String(254), default="")
    requester_name: Mapped[str] = mapped_column(String(200), default="")
    department: Mapped[str] = mapped_column(String(80))
    priority: Mapped[str] = mapped_column(String(10), default="normal")
    status: Mapped[str] = mapped_column(String(10), default="new")
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    support_tier: Mapped[str] = mapped_column(String(16), default="standard")
    source: Mapped[str] = mapped_column(String(10), default="web")
    first_response_due_at: Mapped[datetime | None]
    resolution_due_at: Mapped[datetime | None]
    first_responded_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    # Stored when known (tickets/measures.py): reports take percentiles of them in SQL,
    # which cannot redo the business-hours calendar math.
    first_response_business_minutes: Mapped[int | None]
    first_response_sla_met: Mapped[bool | None]
    resolution_business_minutes: Mapped[int | None]
    resolution_sla_met: Mapped[bool | None]
    sla_clock_started_at: Mapped[datetime] = mapped_column(default=utcnow)
    sla_paused_at: Mapped[datetime | None]
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    customer = relationship("Customer")
    requester = relationship("Contact")
    assignee = relationship("User")
    tag_rows: Mapped[list["TicketTag"]] = relationship(
        cascade="all, delete-orphan", order_by="TicketTag.tag"
    )
    messages: Mapped[list["TicketMessage"]] = relationship(
        back_populates="ticket", cascade="all, delete-orphan", order_by="TicketMessage.id"
    )

    @property
    def tags(self) -> list[str]:
        """The ticket's tags, sorted."""
        return [row.tag for row in self.tag_rows]

    @property
    def is_open(self) -> bool:
        """True until resolved or closed."""
        return self.status in OPEN_STATUSES

    @property
    def status_label(self) -> str:
        """Human label of the status."""
        return STATUSES.get(self.status, self.status)

    @property
    def priority_label(self) -> str:
        """Human label of the priority."""
        return PRIORITIES.get(self.priority, self.priority)

    @property
    def requester_label(self) -> str:
        """Who asked: the contact's name, else the sender's name or email."""
        if self.requester is not None:
            return self.requester.name
        return self.requester_name or self.requester_email or "Unknown"

    def __repr__(self) -> str:
        return f"<Ticket {self.number} {self.status}>"


class TicketTag(db.Model):
    """One tag on one ticket."""

    __tablename__ = "ticket_tags"

    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)


class TicketMessage(db.Model):
    """A public reply or an internal note, by staff or by the customer."""

    __tablename__ = "ticket_messages"
    __table_args__ = (Index("ix_ticket_messages_ticket_id_id", "ticket_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    internal: Mapped[bool] = mapped_column(default=False)
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author_contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL")
    )
    author_label: Mapped[str] = mapped_column(String(254), default="")
    body: Mapped[str] = mapped_column(Text)  # plain text, always escaped when shown
    source: Mapped[str] = mapped_column(String(10), default="web")
    email_message_id: Mapped[str | None] = mapped_column(String(255), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    ticket: Mapped[Ticket] = relationship(back_populates="messages")
    author_user = relationship("User")
    attachments: Mapped[list["TicketAttachment"]] = relationship(
        back_populates="message", cascade="all, delete-orphan", order_by="TicketAttachment.id"
    )

    @property
    def by_staff(self) -> bool:
        """True when a member of staff wrote it."""
        return self.author_user_id is not None


class TicketAttachment(db.Model):
    """A file attached to a message, stored under a generated key."""

    __tablename__ = "ticket_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("ticket_messages.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(64), unique=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    message: Mapped[TicketMessage] = relationship(back_populates="attachments")


class CannedResponse(db.Model):
    """A prepared reply with {placeholders} agents insert into their answer."""

    __tablename__ = "canned_responses"
    __audit_type__ = "canned_response"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120), unique=True)
    body: Mapped[str] = mapped_column(Text)
    department: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
