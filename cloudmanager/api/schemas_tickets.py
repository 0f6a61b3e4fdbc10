"""API schemas of tickets and their messages."""

from typing import Any, Literal

from pydantic import Field

from cloudmanager.api.listing import sort_param, sort_type
from cloudmanager.api.schemas import (
    ApiModel,
    BodyModel,
    Email,
    Id,
    Instant,
    ListQuery,
    Timestamp,
    text,
)
from cloudmanager.api.schemas_customers import Tag
from cloudmanager.tickets.models import PRIORITIES, STATUSES
from cloudmanager.tickets.services import MAX_BODY

Priority = Literal[tuple(PRIORITIES)]
Status = Literal[tuple(STATUSES)]
Body = text(MAX_BODY, min_length=1)
Department = text(80, min_length=1, description="One of the helpdesk departments (settings)")


TicketSort = sort_type(("created", "last_activity"))
MessageSort = sort_type(("created",))


class TicketOut(ApiModel):
    """A support ticket with its SLA clocks."""

    id: int
    number: str
    subject: str
    customer_id: int | None
    requester_id: int | None
    requester_email: str
    requester_name: str
    department: str
    priority: Priority
    status: Status
    assignee_id: int | None
    support_tier: str
    source: str
    tags: list[str]
    first_response_due_at: Timestamp | None
    resolution_due_at: Timestamp | None
    first_responded_at: Timestamp | None
    resolved_at: Timestamp | None
    closed_at: Timestamp | None
    last_activity_at: Timestamp
    created_at: Timestamp

    @classmethod
    def of(cls, ticket) -> "TicketOut":
        """Build from a Ticket row."""
        return cls.model_validate(ticket)


class TicketIn(BodyModel):
    """A ticket opened on a customer's behalf: the requester is a contact, or an email address."""

    subject: text(200, min_length=1) = Field(examples=["Server unreachable"])
    body: Body = Field(examples=["Since 10:00 the server answers no pings."])
    department: Department = Field(examples=["Technical support"])
    priority: Priority = "normal"
    contact_id: Id | None = Field(None, description="The contact who asks")
    requester_email: Email | Literal[""] = Field(
        "", description="Who asks, when not a contact (matched to a contact by email)"
    )
    customer_id: Id | None = Field(None, description="Default: the contact's customer")


class TicketPatch(BodyModel):
    """The properties to change; `assignee_id: null` unassigns."""

    status: Status | None = None
    priority: Priority | None = None
    department: Department | None = None
    assignee_id: Id | None = None
    tags: list[Tag] | None = Field(None, max_length=20)

    def changes(self) -> dict[str, Any]:
        """The properties sent (`assignee_id` may be null on purpose)."""
        sent = self.model_dump(exclude_unset=True)
        return {k: v for k, v in sent.items() if v is not None or k == "assignee_id"}


class TicketQuery(ListQuery):
    """Filters of the ticket list."""

    status: Status | None = None
    priority: Priority | None = None
    department: text(80) = ""
    customer_id: Id | None = None
    assignee_id: Id | None = None
    tag: Tag = ""
    q: text(100) = Field("", description="Number, subject, requester email or customer name")
    updated_since: Instant | None = Field(None, description="Last activity at or after (UTC)")
    sort: TicketSort = sort_param("-created")


class MessageOut(ApiModel):
    """A public reply, or an internal note (staff only), with who wrote it."""

    id: int
    ticket_id: int
    internal: bool
    by_staff: bool
    author_user_id: int | None
    author_contact_id: int | None
    author_label: str
    body: str
    source: str
    created_at: Timestamp

    @classmethod
    def of(cls, message) -> "MessageOut":
        """Build from a TicketMessage row."""
        return cls.model_validate(message)


class MessageIn(BodyModel):
    """A reply to the customer, or an internal note."""

    body: Body = Field(examples=["We are on it."])
    internal: bool = Field(False, description="An internal note the customer never sees")


class MessageQuery(ListQuery):
    """Paging of a ticket's conversation (oldest first)."""

    sort: MessageSort = sort_param("created")
