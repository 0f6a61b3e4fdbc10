"""Ticket lists: the views (mine, unassigned, open, breaching), filters, search, SLA checks."""

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import joinedload, selectinload

from cloudmanager.core.timeutil import utcnow
from cloudmanager.extensions import db
from cloudmanager.tickets.models import OPEN_STATUSES, PAUSED_STATUSES, Ticket, TicketTag

VIEWS = {
    "mine": "My tickets",
    "unassigned": "Unassigned",
    "open": "All open",
    "breaching": "Breaching soon",
    "breached": "SLA breached",
    "all": "All tickets",
}
BREACH_WINDOW_MINUTES = 60


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def breaching_condition(horizon: datetime):
    """Open tickets whose first response or resolution is due before `horizon`."""
    return and_(
        Ticket.status.in_(OPEN_STATUSES),
        or_(
            and_(Ticket.first_responded_at.is_(None), Ticket.first_response_due_at <= horizon),
            and_(Ticket.status.not_in(PAUSED_STATUSES), Ticket.resolution_due_at <= horizon),
        ),
    )


def ticket_list_statement(view: str, *, user: Any, filters: dict[str, Any]) -> Select:
    """The tickets of `view` narrowed by the filters, with what the list shows preloaded."""
    from cloudmanager.customers.models import Customer

    stmt = select(Ticket).options(
        joinedload(Ticket.customer),
        joinedload(Ticket.requester),
        joinedload(Ticket.assignee),
        selectinload(Ticket.tag_rows),
    )
    if view == "mine":
        stmt = stmt.where(Ticket.assignee_id == user.id, Ticket.status.in_(OPEN_STATUSES))
    elif view == "unassigned":
        stmt = stmt.where(Ticket.assignee_id.is_(None), Ticket.status.in_(OPEN_STATUSES))
    elif view == "open":
        stmt = stmt.where(Ticket.status.in_(OPEN_STATUSES))
    elif view == "breaching":
        horizon = utcnow() + timedelta(minutes=BREACH_WINDOW_MINUTES)
        stmt = stmt.where(breaching_condition(horizon))
    elif view == "breached":
        stmt = stmt.where(breaching_condition(utcnow()))
    for name in ("status", "priority", "department"):
        if filters.get(name):
            stmt = stmt.where(getattr(Ticket, name) == filters[name])
    if filters.get("assignee"):
        stmt = stmt.where(Ticket.assignee_id == int(filters["assignee"]))
    if filters.get("customer"):
        stmt = stmt.where(Ticket.customer_id == int(filters["customer"]))
    if filters.get("tag"):
        stmt = stmt.where(
            Ticket.id.in_(select(TicketTag.ticket_id).where(TicketTag.tag == filters["tag"]))
        )
    q = (filters.get("q") or "").strip()
    if q:
        pattern = _like(q.lower())
        stmt = stmt.where(
            or_(
                Ticket.number == q.upper(),
                Ticket.subject.ilike(pattern, escape="\\"),
                Ticket.requester_email.ilike(pattern, escape="\\"),
                Ticket.customer_id.in_(
                    select(Customer.id).where(Customer.name.ilike(pattern, escape="\\"))
                ),
            )
        )
    return stmt


def tickets_breaching_sla(
    *, within_minutes: int = BREACH_WINDOW_MINUTES, now: datetime | None = None
) -> list[tuple[Ticket, str, datetime]]:
    """(ticket, "first_response" | "resolution", due time) for targets due within the window."""
    horizon = (now or utcnow()) + timedelta(minutes=within_minutes)
    tickets = db.session.scalars(
        select(Ticket)
        .options(joinedload(Ticket.assignee), joinedload(Ticket.customer))
        .where(breaching_condition(horizon))
        .order_by(Ticket.id)
    ).unique()
    found = []
    for ticket in tickets:
        first_due = ticket.first_response_due_at
        if ticket.first_responded_at is None and first_due is not None and first_due <= horizon:
            found.append((ticket, "first_response", first_due))
        resolve_due = ticket.resolution_due_at
        paused = ticket.status in PAUSED_STATUSES
        if not paused and resolve_due is not None and resolve_due <= horizon:
            found.append((ticket, "resolution", resolve_due))
    return found


def sla_state(due: datetime | None, done_at: datetime | None = None, paused=None) -> str:
    """The badge state of a due time: met, breached, paused, due-soon or ok."""
    if due is None:
        return "ok"
    if paused is not None and done_at is None:
        return "paused"
    if done_at is not None:
        return "met" if done_at <= due else "breached"
    now = utcnow()
    if due < now:
        return "breached"
    if due <= now + timedelta(minutes=BREACH_WINDOW_MINUTES):
        return "due-soon"
    return "ok"
