"""Helpdesk reports in Chromium: chart and table under the CSP, filters swap the result in place."""

from datetime import datetime

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

MARCH = "date_from=2026-03-01&date_to=2026-03-31"


@pytest.fixture
def answered_tickets(db, make_user):
    """Two agents' tickets answered in March 2026: Alice in time, Bob late."""
    from cloudmanager.tickets.models import Ticket

    agents = [make_user("agent", name="Alice Agent"), make_user("agent", name="Bob Agent")]
    for n, (agent, minutes, met) in enumerate([(0, 30, True), (0, 90, True), (1, 600, False)]):
        at = datetime(2026, 3, 2 + n, 10)
        db.session.add(
            Ticket(
                number=f"T-{n + 1:06d}",
                subject=f"Ticket {n + 1}",
                department="Billing",
                priority="normal",
                assignee_id=agents[agent].id,
                created_at=at,
                first_responded_at=at,
                first_response_business_minutes=minutes,
                first_response_sla_met=met,
            )
        )
    db.session.commit()


def test_sla_report_shows_chart_and_table_and_filters_by_breakdown(
    page, page_problems, sign_in, answered_tickets
):
    sign_in("manager")
    page.goto(f"/reports/helpdesk-sla?{MARCH}")
    expect(page.get_by_role("img", name="Share of SLA targets met (%)")).to_be_visible()
    table = page.locator("table.report-table")
    expect(table).to_contain_text("Billing")
    expect(table).to_contain_text("66.7 %")

    page.get_by_label("Breakdown").select_option("agent")
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table.locator("tbody")).to_contain_text("Alice Agent")
    expect(table.locator("tbody")).to_contain_text("Bob Agent")
    assert "by=agent" in page.url
    assert page_problems.all() == []


def test_response_times_report_renders_both_charts(page, page_problems, sign_in, answered_tickets):
    sign_in("agent")
    page.goto(f"/reports/helpdesk-response-times?{MARCH}&by=department")
    expect(page.locator("figure.chart")).to_have_count(2)
    expect(page.locator("table.report-table tbody")).to_contain_text("1 h 30 min")
    assert page_problems.all() == []
