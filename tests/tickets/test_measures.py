"""Business minutes and SLA outcomes stored when a ticket is first answered and resolved.

Calendar: Berlin, Monday to Friday 09:00-17:00, holidays 24-26 Dec 2026 (the
defaults); standard tier. Times below are UTC (Berlin is UTC+1 in winter).
"""

from datetime import datetime
from unittest import mock

from cloudmanager.tickets import services

FRIDAY_16 = datetime(2026, 11, 27, 15, 0)  # Friday 16:00 Berlin
MONDAY_9 = datetime(2026, 11, 30, 8, 0)  # Monday 09:00 Berlin
MONDAY_10 = datetime(2026, 11, 30, 9, 0)
TUESDAY_12 = datetime(2026, 12, 1, 11, 0)
BEFORE_HOLIDAYS = datetime(2026, 12, 23, 15, 0)  # Wednesday 16:00 Berlin; Thu+Fri are holidays
AFTER_HOLIDAYS_10 = datetime(2026, 12, 28, 9, 0)  # Monday 10:00 Berlin
AFTER_HOLIDAYS_1230 = datetime(2026, 12, 28, 11, 30)


def at(moment):
    return mock.patch("cloudmanager.tickets.services.utcnow", return_value=moment)


def test_first_reply_over_a_weekend_counts_only_business_minutes(make_ticket, users):
    with at(FRIDAY_16):
        ticket = make_ticket(priority="normal")  # 8 h target: due Monday 16:00 Berlin
    with at(MONDAY_10):
        services.add_reply(ticket, author=users["agent"], body="Looking into it.")
    # Friday 16-17 and Monday 9-10.
    assert ticket.first_response_business_minutes == 120
    assert ticket.first_response_sla_met is True


def test_first_reply_over_holidays_exactly_at_the_due_time_is_met(make_ticket, users):
    with at(BEFORE_HOLIDAYS):
        ticket = make_ticket(priority="urgent")  # 2 h: Wed 16-17 + Mon 9-10
    assert ticket.first_response_due_at == AFTER_HOLIDAYS_10
    with at(AFTER_HOLIDAYS_10):
        services.add_reply(ticket, author=users["agent"], body="Back from the holidays.")
    assert ticket.first_response_business_minutes == 120
    assert ticket.first_response_sla_met is True
    with at(AFTER_HOLIDAYS_1230):
        services.change_status(ticket, "resolved", by=users["agent"])
    assert ticket.resolution_business_minutes == 60 + 210
    assert ticket.resolution_sla_met is True


def test_a_late_first_reply_is_a_breach(make_ticket, users):
    with at(MONDAY_9):
        ticket = make_ticket(priority="urgent")  # due Monday 11:00 Berlin
    with at(TUESDAY_12):
        services.add_reply(ticket, author=users["agent"], body="Sorry for the wait.")
    assert ticket.first_response_business_minutes == 8 * 60 + 3 * 60
    assert ticket.first_response_sla_met is False


def test_internal_notes_and_customer_replies_are_not_first_responses(make_ticket, users):
    ticket = make_ticket()
    services.add_reply(ticket, author=users["agent"], body="Check hv-7.", internal=True)
    services.add_reply(ticket, author=ticket.requester, body="Any news?")
    assert ticket.first_response_business_minutes is None
    assert ticket.first_response_sla_met is None


def test_waiting_on_the_customer_stops_the_resolution_clock(make_ticket, users):
    with at(MONDAY_9):
        waited = make_ticket(priority="urgent")  # resolution due Monday 17:00 Berlin
        left_open = make_ticket(priority="urgent")
    with at(MONDAY_10):
        services.add_reply(waited, author=users["agent"], body="Can you send the log?")
    assert waited.status == "waiting"
    with at(TUESDAY_12):
        services.change_status(waited, "resolved", by=users["agent"])
        services.change_status(left_open, "resolved", by=users["agent"])
    # Resolution time includes the wait; the SLA clock stopped at Monday 10:00.
    assert waited.resolution_business_minutes == left_open.resolution_business_minutes == 660
    assert waited.resolution_sla_met is True
    assert left_open.resolution_sla_met is False


def test_reopening_clears_the_resolution_until_the_next_one(make_ticket, users):
    with at(MONDAY_9):
        ticket = make_ticket(priority="normal")
    with at(MONDAY_10):
        services.change_status(ticket, "resolved", by=users["agent"])
    assert ticket.resolution_business_minutes == 60
    with at(TUESDAY_12):
        services.add_reply(ticket, author=ticket.requester, body="Still broken.")
    assert ticket.resolution_business_minutes is None and ticket.resolution_sla_met is None
    with at(datetime(2026, 12, 1, 13, 0)):
        services.change_status(ticket, "closed", by=users["agent"])
    # From opening: Monday 9-17 and Tuesday 9-14.
    assert ticket.resolution_business_minutes == 8 * 60 + 5 * 60
    assert ticket.resolution_sla_met is True  # fresh 40 h clock from the reopening


def test_closing_a_resolved_ticket_keeps_its_resolution(make_ticket, users):
    with at(MONDAY_9):
        ticket = make_ticket()
    with at(MONDAY_10):
        services.change_status(ticket, "resolved", by=users["agent"])
    with at(TUESDAY_12):
        services.change_status(ticket, "closed", by=users["agent"])
    assert ticket.resolved_at == MONDAY_10 and ticket.resolution_business_minutes == 60


def test_backfill_measures_tickets_answered_before_the_columns_existed(
    make_ticket, users, runner, db
):
    with at(FRIDAY_16):
        ticket = make_ticket(priority="normal")
    with at(MONDAY_10):
        services.add_reply(ticket, author=users["agent"], body="Hello")
        services.change_status(ticket, "resolved", by=users["agent"])
    untouched = make_ticket()
    ticket.first_response_business_minutes = ticket.first_response_sla_met = None
    ticket.resolution_business_minutes = ticket.resolution_sla_met = None
    db.session.commit()
    result = runner.invoke(args=["tickets", "backfill-measures"])
    assert result.exit_code == 0 and "1 tickets measured" in result.output
    db.session.refresh(ticket)
    assert (ticket.first_response_business_minutes, ticket.first_response_sla_met) == (120, True)
    assert (ticket.resolution_business_minutes, ticket.resolution_sla_met) == (120, True)
    assert untouched.first_response_business_minutes is None
    again = runner.invoke(args=["tickets", "backfill-measures"])
    assert "0 tickets measured" in again.output
