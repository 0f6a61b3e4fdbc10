"""The helpdesk reports' SQL: weekly volume, percentiles and SLA compliance, per breakdown.

Each report's numbers come from one aggregate statement (one snapshot), over
the measures the ticket services store (`tickets/measures.py`). Periods are
half-open UTC ranges [start, end); weeks start on Monday (UTC).

Percentiles are computed the way PostgreSQL's `percentile_cont` does (linear
interpolation between the two nearest ranks) with portable window functions,
so SQLite and PostgreSQL give the same numbers: for n sorted values
v1 … vn and a fraction p = a/b, h = p·(n − 1); the result is
v[1 + ⌊h⌋] + (h − ⌊h⌋) · (v[2 + ⌊h⌋] − v[1 + ⌊h⌋]). The database returns the two
ranks and n; the interpolation of that one row per group is exact Decimal
arithmetic here, rounded half-up to whole minutes.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import Date, String, and_, case, cast, func, literal, select, union_all
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from cloudmanager.extensions import db
from cloudmanager.tickets.models import Ticket

PERCENTILES = {"p50": (1, 2), "p90": (9, 10)}  # name: fraction a/b
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
    return datetime.combine(date_from, time.min), datetime.combine(date_to, time.min) + timedelta(
        days=1
    )


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


def _group_expression(breakdown: str):
    if breakdown == "department":
        return Ticket.department
    if breakdown == "agent":
        return cast(Ticket.assignee_id, String)
    if breakdown == "priority":
        return Ticket.priority
    return literal("")


def _measures(start, end, filters, breakdowns):
    """(metric, breakdown, grp, minutes, met) rows: one per measured ticket and breakdown."""
    selects = []
    for metric, (at, minutes, met) in METRICS.items():
        for breakdown in ("all", *breakdowns):
            selects.append(
                select(
                    literal(metric).label("metric"),
                    literal(breakdown).label("breakdown"),
                    _group_expression(breakdown).label("grp"),
                    minutes.label("minutes"),
                    met.label("met"),
                ).where(at >= start, at < end, minutes.is_not(None), *ticket_conditions(filters))
            )
    return union_all(*selects).subquery("measures")


@dataclass
class Measured:
    """One group's figures for one metric."""

    count: int = 0
    met: int = 0
    breached: int = 0
    p50: Decimal | None = None
    p90: Decimal | None = None


def interpolate(n: int, a: int, b: int, low, high) -> Decimal:
    """percentile_cont's value from the ranks 1 + ⌊h⌋ and 2 + ⌊h⌋, rounded to minutes."""
    remainder = (n - 1) * a % b
    value = Decimal(low)
    if remainder:
        value += (Decimal(high) - Decimal(low)) * remainder / b
    return value.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def response_times(start, end, filters, breakdowns) -> dict[tuple[str, str, str], Measured]:
    """{(metric, breakdown, group): Measured with count, median and p90} in one statement."""
    src = _measures(start, end, filters, breakdowns)
    partition = (src.c.metric, src.c.breakdown, src.c.grp)
    ranked = select(
        *partition,
        src.c.minutes,
        func.row_number().over(partition_by=partition, order_by=src.c.minutes).label("rn"),
        func.count().over(partition_by=partition).label("n"),
    ).subquery("ranked")
    columns = [ranked.c.metric, ranked.c.breakdown, ranked.c.grp, func.max(ranked.c.n)]
    for a, b in PERCENTILES.values():
        low_rank = 1 + (ranked.c.n - 1) * a // b
        columns.append(func.max(case((ranked.c.rn == low_rank, ranked.c.minutes))))
        columns.append(func.max(case((ranked.c.rn == low_rank + 1, ranked.c.minutes))))
    stmt = select(*columns).group_by(ranked.c.metric, ranked.c.breakdown, ranked.c.grp)
    found = {}
    for metric, breakdown, grp, n, *ranks in db.session.execute(stmt):
        measured = Measured(count=int(n))
        for index, (name, (a, b)) in enumerate(PERCENTILES.items()):
            low, high = ranks[2 * index], ranks[2 * index + 1]
            setattr(measured, name, interpolate(int(n), a, b, low, high))
        found[(metric, breakdown, grp or "")] = measured
    return found


def sla_compliance(start, end, filters, breakdowns) -> dict[tuple[str, str, str], Measured]:
    """{(metric, breakdown, group): Measured with met and breached counts} in one statement."""
    src = _measures(start, end, filters, breakdowns)
    stmt = (
        select(
            src.c.metric,
            src.c.breakdown,
            src.c.grp,
            func.count(),
            func.sum(case((src.c.met.is_(True), 1), else_=0)),
            func.sum(case((src.c.met.is_(False), 1), else_=0)),
        )
        .where(src.c.met.is_not(None))
        .group_by(src.c.metric, src.c.breakdown, src.c.grp)
    )
    return {
        (metric, breakdown, grp or ""): Measured(count=int(n), met=int(met), breached=int(breached))
        for metric, breakdown, grp, n, met, breached in db.session.execute(stmt)
    }


def percent(part: int, whole: int) -> Decimal | None:
    """part / whole as a percentage with one decimal (half-up), None for an empty whole."""
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def open_ticket_counts(now: datetime) -> tuple[int, int]:
    """(open tickets, open tickets already past a due time) in one statement."""
    from cloudmanager.tickets.models import OPEN_STATUSES
    from cloudmanager.tickets.queries import breaching_condition

    stmt = select(func.count(), func.sum(case((breaching_condition(now), 1), else_=0))).where(
        and_(Ticket.status.in_(OPEN_STATUSES))
    )
    total, breaching = db.session.execute(stmt).one()
    return int(total or 0), int(breaching or 0)
