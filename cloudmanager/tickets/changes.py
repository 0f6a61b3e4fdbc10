"""Changes to a ticket's fields: priority, department, assignee, tags and customer.

Each is audited on the ticket (its history); priority, department and customer
move the SLA due times (`services.apply_sla`). Callers commit.
"""

from typing import Any, Iterable

from cloudmanager.core.audit import audit
from cloudmanager.core.errors import ValidationFailed
from cloudmanager.extensions import db
from cloudmanager.tickets import notify
from cloudmanager.tickets.helpdesk import departments, support_tier_for
from cloudmanager.tickets.models import PRIORITIES, Ticket, TicketTag
from cloudmanager.tickets.services import apply_sla


def change_priority(ticket: Ticket, priority: str, *, by: Any) -> None:
    """Change the priority; the SLA due times follow."""
    _change_timed_field(ticket, "priority", priority, PRIORITIES, "Choose a priority.", by=by)


def change_department(ticket: Ticket, department: str, *, by: Any) -> None:
    """Move the ticket to another department (its calendar applies from now on)."""
    _change_timed_field(
        ticket, "department", department, departments(), "Choose a department.", by=by
    )


def _change_timed_field(
    ticket: Ticket, field: str, value: str, allowed: Iterable[str], refusal: str, *, by: Any
) -> None:
    """Set a field the SLA due times depend on (audited as `ticket.<field>_changed`)."""
    if value not in allowed:
        raise ValidationFailed({field: refusal})
    old = getattr(ticket, field)
    if value == old:
        return
    audit(f"ticket.{field}_changed", ticket, before={field: old}, after={field: value}, actor=by)
    setattr(ticket, field, value)
    apply_sla(ticket, ticket.sla_clock_started_at)


def change_assignee(ticket: Ticket, assignee: Any, *, by: Any) -> None:
    """Assign the ticket to a member of staff (None: unassign); the assignee is told."""
    if assignee is not None and (not assignee.active or assignee.role == "accountant"):
        raise ValidationFailed({"assignee": "Choose an active agent."})
    new_id = assignee.id if assignee is not None else None
    if new_id == ticket.assignee_id:
        return
    entry = audit(
        "ticket.assigned",
        ticket,
        before={"assignee": ticket.assignee_id},
        after={"assignee": new_id},
        actor=by,
    )
    ticket.assignee = assignee
    if assignee is not None and assignee.id != getattr(by, "id", None):
        db.session.flush()
        notify.ticket_assigned(ticket, assignee, event_id=entry.id)


def set_tags(ticket: Ticket, tags: Iterable[str], *, by: Any) -> None:
    """Replace the ticket's tags (lower-cased, de-duplicated)."""
    clean = sorted({t.strip().lower()[:40] for t in tags if t and t.strip()})
    if clean == ticket.tags:
        return
    audit(
        "ticket.tags_changed", ticket, before={"tags": ticket.tags}, after={"tags": clean}, actor=by
    )
    ticket.tag_rows = [TicketTag(tag=tag) for tag in clean]


def link_customer(ticket: Ticket, customer: Any, *, by: Any) -> None:
    """Attach a ticket from an unknown sender to a customer (and its contact with that email)."""
    audit(
        "ticket.customer_linked",
        ticket,
        before={"customer": ticket.customer_id},
        after={"customer": customer.id},
        actor=by,
    )
    ticket.customer = customer
    email = (ticket.requester_email or "").lower()
    ticket.requester = next((c for c in customer.contacts if c.email.lower() == email), None)
    ticket.support_tier = support_tier_for(customer)
    apply_sla(ticket, ticket.sla_clock_started_at)
