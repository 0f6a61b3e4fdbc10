"""Helpdesk reports: weekly ticket volume, response and resolution times, SLA compliance.

Times are business time on each department's calendar (stored on the ticket
when known, see `tickets/measures.py`). A first response counts in the period
it was given, a resolution in the period it happened; filters narrow by the
ticket's current department, assignee and priority.
"""

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from markupsafe import Markup

from cloudmanager.reporting.charts import Series, bar_chart, line_chart
from cloudmanager.reporting.framework import Column, Report, ReportParams, ReportResult
from cloudmanager.reporting.framework import register_report
from cloudmanager.reporting.helpdesk_filters import (
    ALL_LABEL,
    BREAKDOWN_FILTER,
    TICKET_FILTERS,
    breakdowns_of,
    ordered_groups,
)
from cloudmanager.reporting.helpdesk_queries import (
    BREAKDOWNS,
    Measured,
    percent,
    period_bounds,
    sla_compliance,
    weekly_volume,
)
from cloudmanager.reporting.helpdesk_percentiles import response_times

PERMISSION = "reports.helpdesk"
TIME_NOTE = (
    "A first response counts in the period it was given, a resolution in the period it "
    "happened. Business time on each department's hours and holidays. Medians and 90th "
    "percentiles interpolate between the two nearest tickets (as PostgreSQL's "
    "percentile_cont), rounded to whole minutes. Resolution time runs from opening to "
    "resolution, waiting on the customer included."
)


def _week_label(monday: date, long_period: bool) -> str:
    """ "5 Jan" on the chart's axis; "Jan 26" when the period spans more than a year."""
    return f"{monday:%b %y}" if long_period else f"{monday.day} {monday:%b}"


def volume_report(params: ReportParams) -> ReportResult:
    """Tickets opened and closed per week (Monday to Sunday, UTC)."""
    start, end = period_bounds(params.date_from, params.date_to)
    counts = weekly_volume(start, end, params.filters)
    monday = params.date_from - timedelta(days=params.date_from.weekday())
    rows = []
    while monday <= params.date_to:
        opened, closed = counts.get(monday, (0, 0))
        rows.append({"week": monday.isoformat(), "opened": opened, "closed": closed})
        monday += timedelta(days=7)
    long_period = (params.date_to - params.date_from).days > 370
    labels = [_week_label(date.fromisoformat(r["week"]), long_period) for r in rows]
    chart = line_chart(
        "Tickets opened and closed per week",
        labels,
        [
            Series("Opened", [r["opened"] for r in rows]),
            Series("Closed", [r["closed"] for r in rows]),
        ],
    )
    any_tickets = any(r["opened"] or r["closed"] for r in rows)
    return ReportResult(
        columns=[
            Column("week", "Week of"),
            Column("opened", "Opened", "int"),
            Column("closed", "Closed", "int"),
        ],
        rows=rows if any_tickets else [],
        totals={
            "week": "Total",
            "opened": sum(r["opened"] for r in rows),
            "closed": sum(r["closed"] for r in rows),
        },
        chart=chart,
        notes=[
            "Weeks start on Monday (UTC); the first and last week count only days in the period. "
            "Closed counts tickets resolved or closed in the week, and not reopened since."
        ],
    )


def _grouped_rows(found: dict, breakdowns, make_row) -> tuple[list[dict], dict]:
    """One row per (breakdown, group) that has figures, and the overall totals row."""
    rows = []
    for breakdown in breakdowns:
        groups = {grp for (_metric, b, grp) in found if b == breakdown}
        for key, label in ordered_groups(breakdown, groups):
            row = make_row(lambda metric: found.get((metric, breakdown, key), Measured()))
            rows.append({"by": BREAKDOWNS[breakdown], "group": label, **row})
    totals = make_row(lambda metric: found.get((metric, "all", ""), Measured()))
    return rows, {"by": ALL_LABEL, "group": "", **totals}


def _hours(minutes: Decimal | None) -> Decimal:
    return (Decimal(minutes or 0) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _times_row(measured) -> dict:
    first, resolution = measured("first_response"), measured("resolution")
    return {
        "first_count": first.count,
        "first_p50": first.p50,
        "first_p90": first.p90,
        "resolution_count": resolution.count,
        "resolution_p50": resolution.p50,
        "resolution_p90": resolution.p90,
    }


def _times_chart(rows: list[dict]) -> Markup:
    labels = [row["group"] for row in rows]
    charts = []
    for prefix, title in (("first", "First response"), ("resolution", "Resolution")):
        series = [
            Series(f"{title}, median (h)", [_hours(r[f"{prefix}_p50"]) for r in rows]),
            Series(f"{title}, 90th percentile (h)", [_hours(r[f"{prefix}_p90"]) for r in rows]),
        ]
        charts.append(bar_chart(f"{title} times in business hours", labels, series))
    return Markup("").join(charts)


def response_times_report(params: ReportParams) -> ReportResult:
    """Median and 90th-percentile first response and resolution times, per group and overall."""
    start, end = period_bounds(params.date_from, params.date_to)
    breakdowns = breakdowns_of(params.filters)
    found = response_times(start, end, params.filters, breakdowns)
    rows, totals = _grouped_rows(found, breakdowns, _times_row)
    return ReportResult(
        columns=[
            Column("by", "Breakdown"),
            Column("group", "Group"),
            Column("first_count", "First responses", "int"),
            Column("first_p50", "Median first response", "minutes"),
            Column("first_p90", "90th percentile first response", "minutes"),
            Column("resolution_count", "Resolutions", "int"),
            Column("resolution_p50", "Median resolution", "minutes"),
            Column("resolution_p90", "90th percentile resolution", "minutes"),
        ],
        rows=rows,
        totals=totals,
        chart=_times_chart(rows) if rows else None,
        notes=[TIME_NOTE],
    )


def _sla_row(measured) -> dict:
    row = {}
    for prefix, metric in (("first", "first_response"), ("resolution", "resolution")):
        figures = measured(metric)
        row[f"{prefix}_count"] = figures.count
        row[f"{prefix}_met"] = figures.met
        row[f"{prefix}_breached"] = figures.breached
        row[f"{prefix}_percent"] = percent(figures.met, figures.count)
    return row


def sla_report(params: ReportParams) -> ReportResult:
    """First responses and resolutions that met or breached their SLA, per group and overall."""
    start, end = period_bounds(params.date_from, params.date_to)
    breakdowns = breakdowns_of(params.filters)
    found = sla_compliance(start, end, params.filters, breakdowns)
    rows, totals = _grouped_rows(found, breakdowns, _sla_row)
    chart = None
    if rows:
        chart = bar_chart(
            "Share of SLA targets met (%)",
            [row["group"] for row in rows],
            [
                Series("First response met %", [r["first_percent"] or 0 for r in rows]),
                Series("Resolution met %", [r["resolution_percent"] or 0 for r in rows]),
            ],
        )
    return ReportResult(
        columns=[
            Column("by", "Breakdown"),
            Column("group", "Group"),
            Column("first_count", "First responses", "int"),
            Column("first_met", "First responses in time", "int"),
            Column("first_breached", "First responses late", "int"),
            Column("first_percent", "First response SLA met", "percent"),
            Column("resolution_count", "Resolutions", "int"),
            Column("resolution_met", "Resolutions in time", "int"),
            Column("resolution_breached", "Resolutions late", "int"),
            Column("resolution_percent", "Resolution SLA met", "percent"),
        ],
        rows=rows,
        totals=totals,
        chart=chart,
        notes=[
            "A first response is in time when it came by its due time; a resolution when its "
            "clock (stopped while waiting on the customer or on hold) stopped by its due time."
        ],
    )


register_report(
    Report(
        "helpdesk-volume",
        "Tickets opened and closed",
        "New and resolved tickets per week, by department, agent or priority.",
        PERMISSION,
        volume_report,
        TICKET_FILTERS,
    )
)
register_report(
    Report(
        "helpdesk-response-times",
        "Response and resolution times",
        "Median and 90th-percentile first response and resolution in business hours.",
        PERMISSION,
        response_times_report,
        (BREAKDOWN_FILTER, *TICKET_FILTERS),
    )
)
register_report(
    Report(
        "helpdesk-sla",
        "SLA compliance",
        "First responses and resolutions within their SLA, by department, agent and priority.",
        PERMISSION,
        sla_report,
        (BREAKDOWN_FILTER, *TICKET_FILTERS),
    )
)
