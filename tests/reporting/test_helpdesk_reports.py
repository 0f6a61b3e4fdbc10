"""Helpdesk reports against ten hand-worked tickets in March 2026 (SQLite and PostgreSQL).

The tickets (minutes are stored business minutes; Y/N = SLA met):

    T   dept     agent  prio    opened        first response      resolved
    1   Tech     Alice  high    Mon 02 10:00  Mar 02  30 Y        Mar 03  480 Y
    2   Tech     Alice  normal  Tue 03        Mar 03  90 Y        Mar 10 1200 N
    3   Tech     Bob    urgent  Wed 04        Mar 04 200 N        Mar 05  600 Y
    4   Billing  Bob    normal  Tue 10        Mar 10  60 Y        —
    5   Billing  Alice  low     Wed 11        Mar 11  15 Y        Mar 18  900 N
    6   Sales    —      normal  Tue 17        Mar 17 400 N        Mar 31 23:00 2400 N
    7   Tech     Bob    high    Feb 20        Feb 20  45 Y (out)  Mar 02 1801 N
    8   Sales    Alice  normal  Tue 31        —                   —
    9   Tech     Alice  normal  Wed 25        Apr 01 00:00 (out)  —
    10  Billing  Bob    high    Sun 01 12:00  Mar 02  30 Y        Apr 02 (out)

Percentiles interpolate linearly between ranks (h = p·(n−1)), rounded half-up:
first responses 15 30 30 60 90 200 400 → median 60, p90 200 + 0.4·200 = 280;
resolutions 480 600 900 1200 1801 2400 → median 1050, p90 1801 + 0.5·599 = 2100.5 → 2101.
"""

import csv
import io
import re
from datetime import datetime
from html import unescape

import pytest

from cloudmanager.reporting.framework import REPORTS, ReportParams, format_cell

MARCH = "date_from=2026-03-01&date_to=2026-03-31"

TICKETS = [
    # dept, agent, prio, opened, first response (at, minutes, met), resolution (at, minutes, met)
    ("Technical support", "alice", "high", (3, 2, 10), ((3, 2, 10, 30), 30, True),
     ((3, 3, 12), 480, True)),
    ("Technical support", "alice", "normal", (3, 3, 9), ((3, 3, 11), 90, True),
     ((3, 10, 9), 1200, False)),
    ("Technical support", "bob", "urgent", (3, 4, 9), ((3, 4, 13), 200, False),
     ((3, 5, 14), 600, True)),
    ("Billing", "bob", "normal", (3, 10, 8), ((3, 10, 9), 60, True), None),
    ("Billing", "alice", "low", (3, 11, 8), ((3, 11, 8, 15), 15, True), ((3, 18, 10), 900, False)),
    ("Sales", None, "normal", (3, 17, 8), ((3, 17, 15), 400, False), ((3, 31, 23), 2400, False)),
    ("Technical support", "bob", "high", (2, 20, 9), ((2, 20, 9, 45), 45, True),
     ((3, 2, 16), 1801, False)),
    ("Sales", "alice", "normal", (3, 31, 9), None, None),
    ("Technical support", "alice", "normal", (3, 25, 9), ((4, 1, 0), 120, True), None),
    ("Billing", "bob", "high", (3, 1, 12), ((3, 2, 8, 30), 30, True), ((4, 2, 9), 300, True)),
]  # fmt: skip


def _at(parts) -> datetime:
    return datetime(2026, *parts)


@pytest.fixture
def agents(make_user):
    """Alice and Bob, the two agents of the fixture."""
    return {
        "alice": make_user("agent", name="Alice Agent"),
        "bob": make_user("agent", name="Bob Agent"),
    }


@pytest.fixture
def march(db, agents):
    """The ten tickets of the module docstring, as stored rows."""
    from cloudmanager.tickets.models import Ticket

    for n, (department, agent, priority, opened, first, resolution) in enumerate(TICKETS, 1):
        ticket = Ticket(
            number=f"T-{n:06d}",
            subject=f"Ticket {n}",
            department=department,
            priority=priority,
            status="resolved" if resolution else "open",
            assignee_id=agents[agent].id if agent else None,
            created_at=_at(opened),
            sla_clock_started_at=_at(opened),
        )
        if first:
            ticket.first_responded_at = _at(first[0])
            ticket.first_response_business_minutes, ticket.first_response_sla_met = first[1:]
        if resolution:
            ticket.resolved_at = _at(resolution[0])
            ticket.resolution_business_minutes, ticket.resolution_sla_met = resolution[1:]
        db.session.add(ticket)
    db.session.commit()
    return agents


def compute(key, **filters):
    report = REPORTS[key]
    params = ReportParams(
        datetime(2026, 3, 1).date(), datetime(2026, 3, 31).date(), filters=filters
    )
    return report.compute(params)


def table(result, *keys):
    return [tuple(row[k] for k in keys) for row in result.rows]


def test_weekly_volume_counts_opened_and_closed_per_monday_week(march):
    result = compute("helpdesk-volume")
    assert table(result, "week", "opened", "closed") == [
        ("2026-02-23", 1, 0),
        ("2026-03-02", 3, 3),
        ("2026-03-09", 2, 1),
        ("2026-03-16", 1, 1),
        ("2026-03-23", 1, 0),
        ("2026-03-30", 1, 1),
    ]
    assert result.totals == {"week": "Total", "opened": 9, "closed": 6}
    assert "<svg" in str(result.chart)


def test_weekly_volume_follows_the_agent_filter(march):
    bob = str(march["bob"].id)
    result = compute("helpdesk-volume", agent=bob)
    assert table(result, "opened", "closed") == [(1, 0), (1, 2), (1, 0), (0, 0), (0, 0), (0, 0)]
    assert result.totals["opened"] == 3 and result.totals["closed"] == 2


def test_median_and_p90_overall_and_by_department(march):
    result = compute("helpdesk-response-times", by="department")
    keys = ("group", "first_count", "first_p50", "first_p90")
    assert table(result, *keys) == [
        ("Billing", 3, 30, 54),
        ("Sales", 1, 400, 400),
        ("Technical support", 3, 90, 178),
    ]
    keys = ("group", "resolution_count", "resolution_p50", "resolution_p90")
    assert table(result, *keys) == [
        ("Billing", 1, 900, 900),
        ("Sales", 1, 2400, 2400),
        ("Technical support", 4, 900, 1621),  # 1200 + 0.7 · 601 = 1620.7
    ]
    totals = result.totals
    assert (totals["first_count"], totals["first_p50"], totals["first_p90"]) == (7, 60, 280)
    assert (totals["resolution_count"], totals["resolution_p50"]) == (6, 1050)
    assert totals["resolution_p90"] == 2101  # 2100.5, half-up


def test_times_by_agent_list_unassigned_last(march):
    result = compute("helpdesk-response-times", by="agent")
    keys = ("group", "first_p50", "first_p90", "resolution_p50", "resolution_p90")
    assert table(result, *keys) == [
        ("Alice Agent", 30, 78, 900, 1140),
        ("Bob Agent", 60, 172, 1201, 1681),  # 600 + 0.5 · 1201 = 1200.5; 600 + 0.9 · 1201
        ("Unassigned", 400, 400, 2400, 2400),
    ]


def test_times_by_priority_in_priority_order(march):
    result = compute("helpdesk-response-times", by="priority")
    keys = ("group", "first_count", "first_p50", "first_p90", "resolution_p50", "resolution_p90")
    assert table(result, *keys) == [
        ("Low", 1, 15, 15, 900, 900),
        ("Normal", 3, 90, 338, 1800, 2280),
        ("High", 2, 30, 30, 1141, 1669),
        ("Urgent", 1, 200, 200, 600, 600),
    ]


def test_all_breakdowns_by_default_and_filters_narrow_them(march):
    result = compute("helpdesk-response-times")
    assert [row["by"] for row in result.rows] == ["Department"] * 3 + ["Agent"] * 3 + [
        "Priority"
    ] * 4
    narrowed = compute("helpdesk-response-times", by="agent", department="Technical support")
    assert table(narrowed, "group", "first_p50", "first_p90", "resolution_p50") == [
        ("Alice Agent", 60, 84, 840),
        ("Bob Agent", 200, 200, 1201),
    ]
    assert narrowed.totals["first_count"] == 3 and narrowed.totals["resolution_count"] == 4


def test_sla_compliance_by_department_agent_and_priority(march):
    result = compute("helpdesk-sla")
    keys = ("by", "group", "first_met", "first_breached", "first_percent")
    keys += ("resolution_met", "resolution_breached", "resolution_percent")
    rows = [tuple(str(v) if v is not None else None for v in row) for row in table(result, *keys)]
    assert rows == [
        ("Department", "Billing", "3", "0", "100.0", "0", "1", "0.0"),
        ("Department", "Sales", "0", "1", "0.0", "0", "1", "0.0"),
        ("Department", "Technical support", "2", "1", "66.7", "2", "2", "50.0"),
        ("Agent", "Alice Agent", "3", "0", "100.0", "1", "2", "33.3"),
        ("Agent", "Bob Agent", "2", "1", "66.7", "1", "1", "50.0"),
        ("Agent", "Unassigned", "0", "1", "0.0", "0", "1", "0.0"),
        ("Priority", "Low", "1", "0", "100.0", "0", "1", "0.0"),
        ("Priority", "Normal", "2", "1", "66.7", "0", "2", "0.0"),
        ("Priority", "High", "2", "0", "100.0", "1", "1", "50.0"),
        ("Priority", "Urgent", "0", "1", "0.0", "1", "0", "100.0"),
    ]
    totals = result.totals
    assert (totals["first_count"], totals["first_met"], str(totals["first_percent"])) == (
        7,
        5,
        "71.4",
    )
    assert (totals["resolution_count"], totals["resolution_met"]) == (6, 2)
    assert str(totals["resolution_percent"]) == "33.3"


def test_an_empty_period_has_no_rows(march):
    report = REPORTS["helpdesk-sla"]
    params = ReportParams(datetime(2025, 1, 1).date(), datetime(2025, 1, 31).date(), {})
    assert report.compute(params).rows == []
    volume = REPORTS["helpdesk-volume"].compute(params)
    assert volume.rows == []


def _both_ways(db, **filters):
    from cloudmanager.reporting.helpdesk_percentiles import (
        portable_percentiles,
        postgresql_percentiles,
    )
    from cloudmanager.reporting.helpdesk_queries import BREAKDOWNS

    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL")
    bounds = (datetime(2026, 3, 1), datetime(2026, 4, 1))
    return (
        portable_percentiles(*bounds, filters, tuple(BREAKDOWNS)),
        postgresql_percentiles(*bounds, filters, tuple(BREAKDOWNS)),
    )


@pytest.mark.postgres
def test_percentile_cont_and_the_portable_ranks_agree_on_postgresql(db, march):
    portable, native = _both_ways(db)
    assert portable == native and len(native) == 2 * (1 + 3 + 3 + 4)
    assert native[("resolution", "all", "")].p90 == 2101  # 2100.5 as a float, half-up
    portable, native = _both_ways(db, department="Billing")
    assert portable == native


@pytest.mark.postgres
def test_both_methods_agree_on_many_random_tickets(db, agents):
    import random

    from cloudmanager.tickets.models import Ticket

    rng = random.Random(9)
    for n in range(400):
        minutes = rng.choice([rng.randrange(1, 60), rng.randrange(1, 5000)])
        at = datetime(2026, 3, 1 + n % 28, 10)
        db.session.add(
            Ticket(
                number=f"T-{n:06d}",
                subject="x",
                department=rng.choice(["Billing", "Sales", "Technical support"]),
                priority=rng.choice(["low", "normal", "high", "urgent"]),
                assignee_id=rng.choice([None, agents["alice"].id, agents["bob"].id]),
                created_at=at,
                first_responded_at=at,
                first_response_business_minutes=minutes,
                first_response_sla_met=True,
                resolved_at=at if n % 3 else None,
                resolution_business_minutes=minutes * 7 if n % 3 else None,
            )
        )
    db.session.commit()
    portable, native = _both_ways(db)
    assert portable == native and len(native) > 20


def _shown_rows(html: str) -> list[list[str]]:
    """The cells of the report table (body and totals), as the page shows them."""
    body = html.split('class="table table-sm table-hover align-middle report-table"', 1)[1]
    body = body.split("</table>", 1)[0].split("</thead>", 1)[1]
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
        rows.append([unescape(c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)])
    return rows


@pytest.mark.parametrize("key", ["helpdesk-volume", "helpdesk-response-times", "helpdesk-sla"])
def test_the_csv_has_exactly_the_rows_and_columns_shown(client, login_as, march, key):
    login_as("agent")
    page = client.get(f"/reports/{key}?{MARCH}")
    assert page.status_code == 200 and "<svg" in page.get_data(as_text=True)
    shown = _shown_rows(page.get_data(as_text=True))
    exported = list(csv.reader(io.StringIO(client.get(f"/reports/{key}.csv?{MARCH}").text)))
    columns = (
        REPORTS[key]
        .compute(ReportParams(datetime(2026, 3, 1).date(), datetime(2026, 3, 31).date(), {}))
        .columns
    )
    assert exported[0] == [c.label for c in columns]
    assert len(exported) - 1 == len(shown)
    for csv_row, shown_row in zip(exported[1:], shown):
        formatted = [
            format_cell(value or None, c.kind) if value else ""
            for value, c in zip(csv_row, columns)
        ]
        assert [f if f != "—" else "" for f in formatted] == [
            s if s != "—" else "" for s in shown_row
        ]


def test_sla_csv_by_department_literal(client, login_as, march):
    login_as("manager")
    body = client.get(f"/reports/helpdesk-sla.csv?{MARCH}&by=department").text
    assert body.splitlines() == [
        "Breakdown,Group,First responses,First responses in time,First responses late,"
        "First response SLA met,Resolutions,Resolutions in time,Resolutions late,"
        "Resolution SLA met",
        "Department,Billing,3,3,0,100.0,1,0,1,0.0",
        "Department,Sales,1,0,1,0.0,1,0,1,0.0",
        "Department,Technical support,3,2,1,66.7,4,2,2,50.0",
        "All tickets,,7,5,2,71.4,6,2,4,33.3",
    ]


@pytest.mark.parametrize("key", ["helpdesk-volume", "helpdesk-response-times", "helpdesk-sla"])
def test_roles_without_the_helpdesk_reports_get_403(client, login_as, key):
    login_as("accountant")
    assert client.get(f"/reports/{key}").status_code == 403
    assert client.get(f"/reports/{key}.csv").status_code == 403
    assert b"SLA compliance" not in client.get("/reports/").data


def test_an_unknown_agent_or_breakdown_is_a_422_next_to_the_field(client, login_as, march):
    login_as("agent")
    response = client.get(f"/reports/helpdesk-sla?{MARCH}&agent=999999&by=customer")
    assert response.status_code == 422
    assert b"Choose a valid agent." in response.data
    assert b"Choose a valid breakdown." in response.data
