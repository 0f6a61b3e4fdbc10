"""The helpdesk reports' SQL: weekly volume, SLA compliance, open and breaching tickets.

Each report's numbers come from one aggregate statement (one snapshot), over
the measures the ticket services store (`tickets/measures.py`); percentiles
are in `helpdesk_percentiles.py`. Periods are half-open UTC ranges
[start, end); weeks start on Monday (UTC).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import (
    Date,
    Integer,
    case,
    func,
    literal,
    literal_column,
    select,
    text,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from cloudmanager.extensions import db
from cloudmanager.tickets.models import Ticket

BREAKDOWNS = {"department": "Department", "agent": "Agent", "priority": "Priority"}
METRICS = {
    "first_response": (
        Ticket.first_responded_at,
        Ticket.first_response_business_minutes,
        Ticket.first_response_sla_met,
    ),
    "resolution": (
        Ticket.resolved_at,
        Ticket.resolution_business_minutes,
        Ticket.resolution_sla_met,
    ),
}


class week_start(FunctionElement):
    """The Monday (a date) of the week a timestamp falls in."""

    type = Date()
    inherit_cache = True


@compiles(week_start, "postgresql")
def _week_start_pg(element, compiler, **kw):
    return f"CAST(date_trunc('week', {compiler.process(element.clauses, **kw)}) AS DATE)"


@compiles(week_start, "sqlite")
def _week_start_sqlite(element, compiler, **kw):
    # 'weekday 0' moves forward to Sunday (or stays on it); six days back is Monday.
    return f"date({compiler.process(element.clauses, **kw)}, 'weekday 0', '-6 days')"


def period_bounds(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    """The half-open UTC range [date_from 00:00, the day after date_to 00:00)."""
    start = datetime.combine(date_from, time.min)
    return start, datetime.combine(date_to + timedelta(days=1), time.min)


def ticket_conditions(filters: dict[str, str]) -> list:
    """WHERE clauses for the department, agent and priority filters (current ticket values)."""
    conditions = []
    if filters.get("department"):
        conditions.append(Ticket.department == filters["department"])
    if filters.get("agent"):
        conditions.append(Ticket.assignee_id == int(filters["agent"]))
    if filters.get("priority"):
        conditions.append(Ticket.priority == filters["priority"])
    return conditions


def weekly_volume(start: datetime, end: datetime, filters: dict[str, str]) -> dict[date, tuple]:
    """{Monday: (opened, closed)} for weeks with any; closed means resolved (or closed)."""
    conditions = ticket_conditions(filters)
    opened = select(
        week_start(Ticket.created_at).label("week"),
        literal(1).label("opened"),
        literal(0).label("closed"),
    ).where(Ticket.created_at >= start, Ticket.created_at < end, *conditions)
    closed = select(week_start(Ticket.resolved_at).label("week"), literal(0), literal(1)).where(
        Ticket.resolved_at >= start, Ticket.resolved_at < end, *conditions
    )
    events = union_all(opened, closed).subquery()
    stmt = (
        select(events.c.week, func.sum(events.c.opened), func.sum(events.c.closed))
        .group_by(events.c.week)
        .order_by(events.c.week)
    )
    return {_as_date(week): (int(o), int(c)) for week, o, c in db.session.execute(stmt)}


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


# How each breakdown groups a measure row; "all" is one group per metric.
GROUP_KEYS = {"department": "department", "agent": "assignee_id", "priority": "priority"}


def measures_cte(start, end, filters):
    """(metric, department, assignee_id, priority, minutes, met): one row per measured event."""
    selects = [
        select(
            literal_column(str(code), Integer).label("metric"),
            Ticket.department,
            Ticket.assignee_id,
            Ticket.priority,
            minutes.label("minutes"),
            met.label("met"),
        ).where(at >= start, at < end, minutes.is_not(None), *ticket_conditions(filters))
        for code, (at, minutes, met) in enumerate(METRICS.values())
    ]
    return union_all(*selects).cte("measures")


@dataclass
class Measured:
    """One group's figures for one metric."""

    count: int = 0
    met: int = 0
    breached: int = 0
    p50: Decimal | None = None
    p90: Decimal | None = None


def sla_compliance(start, end, filters, breakdowns) -> dict[tuple[str, str, str], Measured]:
    """{(metric, breakdown, group): Measured with met and breached counts} in one statement.

    Counts add up, so the database groups by every breakdown's key at once (a
    few hundred rows at most) and the breakdowns are sums of those rows.
    """
    measures = measures_cte(start, end, filters)
    keys = [measures.c[GROUP_KEYS[name]] for name in GROUP_KEYS]
    stmt = (
        select(
            measures.c.metric,
            *keys,
            func.sum(case((measures.c.met.is_(True), 1), else_=0)),
            func.sum(case((measures.c.met.is_(False), 1), else_=0)),
        )
        .where(measures.c.met.is_not(None))
        .group_by(measures.c.metric, *keys)
    )
    found: dict[tuple[str, str, str], Measured] = {}
    metrics = list(METRICS)
    for metric, *values, met, breached in execute_report(stmt):
        groups = [("all", "")] + [
            (name, "" if value is None else str(value))
            for name, value in zip(GROUP_KEYS, values)
            if name in breakdowns
        ]
        for breakdown, grp in groups:
            measured = found.setdefault((metrics[metric], breakdown, grp), Measured())
            measured.met += int(met)
            measured.breached += int(breached)
            measured.count += int(met) + int(breached)
    return found


def execute_report(stmt):
    """Run a report statement; on PostgreSQL without JIT and with room to sort in memory.

    JIT compilation costs more than it saves on queries of a few hundred
    milliseconds, and the default 4 MB of work_mem sends a sort of 200,000
    tickets to disk. SET LOCAL lasts until the end of the (read-only) request
    transaction.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL jit = off"))
        db.session.execute(text("SET LOCAL work_mem = '32MB'"))
    return db.session.execute(stmt)


def percent(part: int, whole: int) -> Decimal | None:
    """part / whole as a percentage with one decimal (half-up), None for an empty whole."""
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def open_ticket_counts(now: datetime) -> tuple[int, int]:
    """(open tickets, open tickets already past a due time) in one statement."""
    from cloudmanager.tickets.models import OPEN_STATUSES
    from cloudmanager.tickets.queries import breaching_condition

    breaching = func.sum(case((breaching_condition(now), 1), else_=0))
    stmt = select(func.count(), breaching).where(Ticket.status.in_(OPEN_STATUSES))
    total, breaching = db.session.execute(stmt).one()
    return int(total or 0), int(breaching or 0)
