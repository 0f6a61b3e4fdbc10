"""Response and resolution measures, stored on the ticket the moment they become known.

The helpdesk reports take medians, percentiles and SLA compliance of these
columns in SQL; business hours (per department, with holidays and a time
zone) cannot reasonably be computed there, so the services compute them here
with the same calendar the SLA clocks use.

- First response: business minutes from opening to the first public staff
  reply; met when the reply came at or before the first-response due time.
- Resolution: business minutes from opening to resolution, including time
  spent waiting on the customer; met when the resolution clock (which stops
  while waiting or on hold) stopped at or before the resolution due time.
  A reopened ticket loses its resolution measures until it is resolved again.
"""

from datetime import datetime
from typing import Any

from cloudmanager.tickets.sla import BusinessCalendar, business_minutes_between


def first_response_measures(
    created_at: datetime, responded_at: datetime, due: datetime | None, calendar: BusinessCalendar
) -> tuple[int, bool | None]:
    """(business minutes, met?) of a first response; met is None without a due time."""
    minutes = max(0, business_minutes_between(created_at, responded_at, calendar))
    return minutes, (None if due is None else responded_at <= due)


def resolution_measures(
    created_at: datetime,
    resolved_at: datetime,
    due: datetime | None,
    calendar: BusinessCalendar,
    paused_at: datetime | None = None,
) -> tuple[int, bool | None]:
    """(business minutes, met?) of a resolution; a paused clock stopped at `paused_at`."""
    minutes = max(0, business_minutes_between(created_at, resolved_at, calendar))
    stopped = min(paused_at, resolved_at) if paused_at is not None else resolved_at
    return minutes, (None if due is None else stopped <= due)


def record_first_response(ticket: Any, at: datetime) -> None:
    """Store the first-response measures of `ticket`, answered at `at`."""
    from cloudmanager.tickets.helpdesk import calendar_for

    minutes, met = first_response_measures(
        ticket.created_at, at, ticket.first_response_due_at, calendar_for(ticket.department)
    )
    ticket.first_response_business_minutes, ticket.first_response_sla_met = minutes, met


def record_resolution(ticket: Any, at: datetime) -> None:
    """Store the resolution measures of `ticket`, resolved at `at` (before the pause ends)."""
    from cloudmanager.tickets.helpdesk import calendar_for

    minutes, met = resolution_measures(
        ticket.created_at,
        at,
        ticket.resolution_due_at,
        calendar_for(ticket.department),
        ticket.sla_paused_at,
    )
    ticket.resolution_business_minutes, ticket.resolution_sla_met = minutes, met


def clear_resolution(ticket: Any) -> None:
    """A reopened ticket is not resolved: its resolution measures wait for the next one."""
    ticket.resolution_business_minutes = ticket.resolution_sla_met = None


def backfill_measures(batch: int = 500) -> int:
    """Measure answered or resolved tickets that have no measures yet; commits per batch.

    Pauses of the past are not recorded, so a backfilled resolution is met
    when it came before its due time. Returns how many tickets were measured.
    """
    from sqlalchemy import and_, or_, select

    from cloudmanager.extensions import db
    from cloudmanager.tickets.models import Ticket

    missing = or_(
        and_(
            Ticket.first_responded_at.is_not(None),
            Ticket.first_response_business_minutes.is_(None),
        ),
        and_(Ticket.resolved_at.is_not(None), Ticket.resolution_business_minutes.is_(None)),
    )
    done, last_id = 0, 0
    while True:
        tickets = db.session.scalars(
            select(Ticket).where(missing, Ticket.id > last_id).order_by(Ticket.id).limit(batch)
        ).all()
        if not tickets:
            return done
        for ticket in tickets:
            if ticket.first_responded_at and ticket.first_response_business_minutes is None:
                record_first_response(ticket, ticket.first_responded_at)
            if ticket.resolved_at and ticket.resolution_business_minutes is None:
                record_resolution(ticket, ticket.resolved_at)
        last_id = tickets[-1].id
        done += len(tickets)
        db.session.commit()
