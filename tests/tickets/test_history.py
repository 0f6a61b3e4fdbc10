"""The synthetic ticket history (demo data, benchmark): timestamps and stored measures agree."""

from datetime import datetime, timedelta

import pytest

from cloudmanager.tickets.history import HistorySpec, ticket_history
from cloudmanager.tickets.sla import business_minutes_between

END = datetime(2026, 11, 20, 12, 0)


@pytest.fixture
def history(app):
    from cloudmanager.tickets.helpdesk import calendar_for, departments, sla_targets

    spec = HistorySpec(
        start=END - timedelta(days=365),
        end=END,
        count=600,
        departments=departments(),
        agents=[(1, "Alex"), (2, "Sam"), (3, "Jo")],
        requesters=[{"customer_id": 7, "requester_id": 9, "requester_email": "a@example.com"}],
        calendar_for=calendar_for,
        targets=sla_targets,
    )
    return list(ticket_history(spec)), calendar_for


def test_stored_minutes_are_the_business_minutes_between_the_timestamps(history):
    rows, calendar_for = history
    for row, _messages in rows:
        calendar = calendar_for(row["department"])
        if row["first_responded_at"]:
            minutes = business_minutes_between(
                row["created_at"], row["first_responded_at"], calendar
            )
            assert row["first_response_business_minutes"] == minutes
            met = row["first_responded_at"] <= row["first_response_due_at"]
            assert row["first_response_sla_met"] is met
        if row["resolved_at"]:
            minutes = business_minutes_between(row["created_at"], row["resolved_at"], calendar)
            assert row["resolution_business_minutes"] == minutes
            assert row["resolution_sla_met"] is (row["resolved_at"] <= row["resolution_due_at"])
            assert row["status"] in ("resolved", "closed")
        else:
            assert row["resolution_business_minutes"] is None and row["status"] != "closed"


def test_nothing_happens_after_now_and_messages_follow_the_events(history):
    rows, _ = history
    for row, messages in rows:
        times = [m["created_at"] for m in messages]
        assert times == sorted(times) and max(times) <= END
        assert times[0] == row["created_at"] and row["last_activity_at"] == times[-1]
        assert messages[0]["author_user_id"] is None and messages[0]["author_contact_id"] == 9
        if row["first_responded_at"]:
            assert messages[1]["author_user_id"] in (1, 2, 3)


def test_a_year_of_tickets_with_some_breaches_and_some_still_open(history):
    rows, _ = history
    months = {row["created_at"].strftime("%Y-%m") for row, _ in rows}
    assert len(months) >= 12
    first_met = [row["first_response_sla_met"] for row, _ in rows if row["first_responded_at"]]
    assert 0.7 < sum(first_met) / len(first_met) < 0.99
    resolved_met = [row["resolution_sla_met"] for row, _ in rows if row["resolved_at"]]
    assert 0.6 < sum(resolved_met) / len(resolved_met) < 0.99
    statuses = {row["status"] for row, _ in rows}
    assert {"closed", "resolved", "open"} <= statuses
    assert {row["department"] for row, _ in rows} == {"Technical support", "Billing", "Sales"}
    assert {row["priority"] for row, _ in rows} == {"low", "normal", "high", "urgent"}


def test_the_same_seed_gives_the_same_history(history, app):
    rows, calendar_for = history
    from cloudmanager.tickets.helpdesk import departments, sla_targets

    again = HistorySpec(
        start=END - timedelta(days=365),
        end=END,
        count=600,
        departments=departments(),
        agents=[(1, "Alex"), (2, "Sam"), (3, "Jo")],
        requesters=[{"customer_id": 7, "requester_id": 9, "requester_email": "a@example.com"}],
        calendar_for=calendar_for,
        targets=sla_targets,
    )
    assert [row for row, _ in ticket_history(again)] == [row for row, _ in rows]


@pytest.mark.slow
def test_seeded_demo_helpdesk_has_a_year_of_history_in_the_reports(app, db):
    from cloudmanager.demo import seed
    from cloudmanager.reporting.framework import REPORTS
    from cloudmanager.reporting.params import parse_params

    seed()
    db.session.commit()
    volume = REPORTS["helpdesk-volume"].compute(parse_params(REPORTS["helpdesk-volume"], {}))
    busy_weeks = [row for row in volume.rows if row["opened"]]
    assert len(busy_weeks) >= 45 and volume.totals["opened"] >= 800
    sla = REPORTS["helpdesk-sla"].compute(parse_params(REPORTS["helpdesk-sla"], {"by": "agent"}))
    assert len(sla.rows) >= 4 and 50 < sla.totals["first_percent"] < 100
