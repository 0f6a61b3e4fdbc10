"""Helpdesk figures on the dashboard: open tickets, breaching now, SLA compliance this month.

"Now" is Friday 20 March 2026, 12:00 UTC. The tickets:

    A  new      first response due 10:00 today, unanswered         → breaching
    B  open     first response due 13:00, resolution due Sunday     → fine
    C  waiting  answered 19 Mar in time; resolution due passed      → paused, fine
    D  open     answered 2 Mar late; resolution due 11:00 today     → breaching
    E  resolved first response 5 Mar in time, resolved 10 Mar late
    F  resolved 27 Feb in time (last month)

Open: A B C D = 4. Breaching: A D = 2. This month: first responses C ✓ D ✗ E ✓,
resolutions E ✗ → 2 of 4 targets met = 50.0 %.
"""

from datetime import datetime
from unittest import mock

import pytest

from cloudmanager.dashboard.cards import dashboard_cards

NOW = datetime(2026, 3, 20, 12, 0)
LABELS = ("Open tickets", "Tickets breaching SLA", "SLA compliance this month")


def _t(day, hour=9):
    return datetime(2026, 3, day, hour) if day > 0 else datetime(2026, 2, 27 + day, hour)


@pytest.fixture
def tickets(db):
    from cloudmanager.tickets.models import Ticket

    rows = {
        "A": dict(status="new", created_at=_t(20, 8), first_response_due_at=_t(20, 10),
                  resolution_due_at=_t(24)),
        "B": dict(status="open", created_at=_t(20, 11), first_response_due_at=_t(20, 13),
                  resolution_due_at=_t(22)),
        "C": dict(status="waiting", created_at=_t(18), first_response_due_at=_t(19, 12),
                  first_responded_at=_t(19), first_response_business_minutes=480,
                  first_response_sla_met=True, resolution_due_at=_t(19, 15),
                  sla_paused_at=_t(19)),
        "D": dict(status="open", created_at=_t(1), first_response_due_at=_t(1, 12),
                  first_responded_at=_t(2), first_response_business_minutes=600,
                  first_response_sla_met=False, resolution_due_at=_t(20, 11)),
        "E": dict(status="resolved", created_at=_t(5), first_responded_at=_t(5, 10),
                  first_response_business_minutes=60, first_response_sla_met=True,
                  resolved_at=_t(10), resolution_business_minutes=2400,
                  resolution_sla_met=False),
        "F": dict(status="resolved", created_at=_t(-2), first_responded_at=_t(0),
                  first_response_business_minutes=30, first_response_sla_met=True,
                  resolved_at=_t(0, 12), resolution_business_minutes=200,
                  resolution_sla_met=True),
    }  # fmt: skip
    found = {}
    for name, fields in rows.items():
        found[name] = Ticket(
            number=f"T-00000{ord(name) - 64}",
            subject=f"Ticket {name}",
            department="Billing",
            sla_clock_started_at=fields["created_at"],
            **fields,
        )
        db.session.add(found[name])
    db.session.commit()
    return found


def helpdesk_figures(user):
    from flask import current_app

    with (
        current_app.test_request_context(),
        mock.patch("cloudmanager.reporting.helpdesk_cards.utcnow", return_value=NOW),
    ):
        cards = dashboard_cards(user)
    return {card.label: card for card in cards if card.label in LABELS}


def test_cards_count_open_breaching_and_this_months_compliance(app, users, tickets):
    figures = helpdesk_figures(users["agent"])
    assert figures["Open tickets"].value == 4
    assert figures["Tickets breaching SLA"].value == 2
    compliance = figures["SLA compliance this month"]
    assert compliance.value == "50.0 %" and compliance.hint == "2 of 4 targets met"


def test_each_card_links_to_the_list_or_report_behind_it(app, users, tickets):
    figures = helpdesk_figures(users["manager"])
    assert figures["Open tickets"].url == "/tickets/?view=open"
    assert figures["Tickets breaching SLA"].url == "/tickets/?view=breached"
    assert figures["SLA compliance this month"].url == (
        "/reports/helpdesk-sla?date_from=2026-03-01&date_to=2026-03-20"
    )


def test_the_breached_list_shows_the_tickets_the_card_counts(client, login_as, tickets):
    login_as("agent")
    with mock.patch("cloudmanager.tickets.queries.utcnow", return_value=NOW):
        html = client.get("/tickets/?view=breached").get_data(as_text=True)
    assert "Ticket A" in html and "Ticket D" in html
    assert "Ticket B" not in html and "Ticket C" not in html


def test_without_measures_the_compliance_card_says_so(app, users):
    figures = helpdesk_figures(users["admin"])
    assert figures["Open tickets"].value == 0
    assert figures["SLA compliance this month"].value == "—"
    assert figures["SLA compliance this month"].hint == "nothing measured yet"


def test_only_roles_with_the_helpdesk_reports_see_the_cards(client, login_as, users, tickets):
    assert helpdesk_figures(users["accountant"]) == {}
    login_as("agent")
    html = client.get("/").get_data(as_text=True)
    assert "Tickets breaching SLA" in html and "SLA compliance this month" in html
