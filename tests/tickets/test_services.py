"""Ticket rules: numbers, SLA clocks, status moves, notes, notifications, audit."""

from datetime import datetime
from unittest import mock

import pytest
from sqlalchemy import select

from cloudmanager.auth.models import AuditEntry
from cloudmanager.core.errors import ValidationFailed
from cloudmanager.notifications.models import Notification
from cloudmanager.tickets import changes, services
from cloudmanager.tickets.models import Ticket

MONDAY_9 = datetime(2026, 11, 30, 8, 0)  # 09:00 in Berlin (UTC+1)


def outbox(db, **where):
    rows = db.session.scalars(select(Notification).order_by(Notification.id)).all()
    return [r for r in rows if all(getattr(r, k) == v for k, v in where.items())]


def test_a_new_ticket_gets_a_readable_number_and_status_new(make_ticket):
    ticket = make_ticket()
    assert ticket.number == f"T-{ticket.id:06d}" and ticket.status == "new"


def test_opening_refuses_missing_subject_unknown_department_and_priority(make_customer):
    customer = make_customer()
    with pytest.raises(ValidationFailed) as caught:
        services.open_ticket(
            subject=" ", body="", department="Nope", priority="asap", requester=customer.contacts[0]
        )
    assert set(caught.value.errors) == {"subject", "body", "department", "priority"}


def test_sla_due_times_follow_priority_and_business_hours(make_ticket):
    with mock.patch("cloudmanager.tickets.services.utcnow", return_value=MONDAY_9):
        ticket = make_ticket(priority="urgent")
    # standard tier, urgent: 2 h first response, 8 h resolution, Berlin 09-17.
    assert ticket.first_response_due_at == datetime(2026, 11, 30, 10, 0)
    assert ticket.resolution_due_at == datetime(2026, 11, 30, 16, 0)


def test_changing_the_priority_recomputes_the_due_times(make_ticket, users, db):
    with mock.patch("cloudmanager.tickets.services.utcnow", return_value=MONDAY_9):
        ticket = make_ticket(priority="low")
        changes.change_priority(ticket, "urgent", by=users["agent"])
    assert ticket.first_response_due_at == datetime(2026, 11, 30, 10, 0)


def test_a_staff_reply_is_the_first_response_and_waits_on_the_customer(make_ticket, users):
    ticket = make_ticket()
    services.add_reply(ticket, author=users["agent"], body="We are on it.")
    assert ticket.first_responded_at is not None and ticket.status == "waiting"


def test_an_internal_note_is_not_a_first_response(make_ticket, users):
    ticket = make_ticket()
    services.add_reply(ticket, author=users["agent"], body="Check the hypervisor.", internal=True)
    assert ticket.first_responded_at is None and ticket.status == "new"


def test_a_customer_reply_reopens_a_resolved_ticket(make_ticket, users, db):
    ticket = make_ticket()
    services.change_status(ticket, "resolved", by=users["agent"])
    assert ticket.resolved_at is not None
    services.add_reply(ticket, author=ticket.requester, body="Still broken.")
    assert ticket.status == "open" and ticket.resolved_at is None


def test_a_customer_reply_moves_waiting_to_open(make_ticket, users):
    ticket = make_ticket()
    services.add_reply(ticket, author=users["agent"], body="Can you send logs?")
    services.add_reply(ticket, author=ticket.requester, body="Here they are.")
    assert ticket.status == "open"


def test_customers_cannot_write_internal_notes(make_ticket):
    ticket = make_ticket()
    with pytest.raises(Exception):
        services.add_reply(ticket, author=ticket.requester, body="x", internal=True)


def test_new_tickets_notify_the_agents_once(make_ticket, users, db):
    make_ticket()
    to = sorted(n.recipient for n in outbox(db, template="ticket_staff_new"))
    assert to == sorted([users["agent"].email, users["manager"].email])


def test_a_staff_reply_emails_the_requester_but_an_internal_note_never_does(make_ticket, users, db):
    ticket = make_ticket()
    services.add_reply(ticket, author=users["agent"], body="Secret: reboot host 7", internal=True)
    services.add_reply(ticket, author=users["agent"], body="We rebooted the host.")
    db.session.commit()
    to_customer = outbox(db, template="notification:ticket_reply")
    assert len(to_customer) == 1
    assert to_customer[0].recipient == ticket.requester_email
    assert "We rebooted" in to_customer[0].context["reply"]["body"]
    assert all("Secret" not in str(n.context) for n in outbox(db))


def test_urgent_replies_also_text_contacts_who_accept_sms(make_customer, make_ticket, users, db):
    customer = make_customer(receives_sms=True, phone="+4915112345678")
    ticket = make_ticket(customer=customer, priority="urgent")
    services.add_reply(ticket, author=users["agent"], body="Fixed.")
    db.session.commit()
    assert [n.recipient for n in outbox(db, channel="sms")] == ["+4915112345678"]


def test_assignment_notifies_the_assignee_and_is_audited(make_ticket, users, db):
    ticket = make_ticket()
    changes.change_assignee(ticket, users["agent"], by=users["manager"])
    db.session.commit()
    assert [n.recipient for n in outbox(db, template="ticket_staff_assigned")] == [
        users["agent"].email
    ]
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.object_id == str(ticket.id))
    ).all()
    assert "ticket.assigned" in actions and "ticket.opened" in actions


def test_accountants_cannot_be_assigned(make_ticket, users):
    with pytest.raises(ValidationFailed):
        changes.change_assignee(make_ticket(), users["accountant"], by=users["manager"])


def test_notifications_are_sent_once_per_event_even_when_written_twice(make_ticket, users, db):
    from cloudmanager.notifications.services import notify_email

    first = notify_email("test:event:1", "a@example.com", "Hi", "ticket_assigned")
    second = notify_email("test:event:1", "a@example.com", "Hi", "ticket_assigned")
    assert first is not None and second is None


def test_the_send_job_does_not_send_a_row_twice(app, db):
    from cloudmanager.notifications.jobs import send_notification
    from cloudmanager.notifications.models import Notification

    row = Notification(
        event_key="k", channel="sms", recipient="+4915112345678", context={"body": "hi"}
    )
    db.session.add(row)
    db.session.commit()
    with mock.patch("cloudmanager.infra.sms.send_sms") as send:
        assert send_notification(row.id) == "sent"
        assert send_notification(row.id) == "skipped"
    assert send.call_count == 1


def test_sla_warnings_go_out_once_per_target(make_ticket, users, db):
    from cloudmanager.tickets.jobs import warn_sla_breaches

    ticket = make_ticket(priority="urgent")
    ticket.first_response_due_at = datetime(2020, 1, 1)
    db.session.commit()
    assert warn_sla_breaches() >= 1
    warn_sla_breaches()
    warnings = outbox(db, template="ticket_staff_sla_warning")
    keys = [w.event_key for w in warnings]
    assert warnings and len(keys) == len(set(keys))
    assert db.session.get(Ticket, ticket.id) is not None


def test_waiting_on_the_customer_pauses_the_resolution_clock(make_ticket, users, db):
    from cloudmanager.tickets.queries import tickets_breaching_sla

    with mock.patch("cloudmanager.tickets.services.utcnow", return_value=MONDAY_9):
        ticket = make_ticket(priority="urgent")  # resolution due Monday 16:00 UTC (17:00 Berlin)
    assert ticket.resolution_due_at == datetime(2026, 11, 30, 16, 0)
    with mock.patch(
        "cloudmanager.tickets.services.utcnow", return_value=datetime(2026, 11, 30, 10)
    ):
        services.add_reply(ticket, author=users["agent"], body="Which VM exactly?")
    assert ticket.status == "waiting" and ticket.sla_paused_at is not None
    db.session.commit()
    late = datetime(2026, 12, 1, 12)
    assert all(kind != "resolution" for _, kind, _ in tickets_breaching_sla(now=late))
    # Tuesday 10:00 Berlin the customer answers: the 6 business hours left run again.
    with mock.patch("cloudmanager.tickets.services.utcnow", return_value=datetime(2026, 12, 1, 9)):
        services.add_reply(ticket, author=ticket.requester, body="vm-42")
    assert ticket.status == "open" and ticket.sla_paused_at is None
    assert ticket.resolution_due_at == datetime(2026, 12, 1, 15, 0)


def test_the_clock_runs_the_sla_check_periodically(app):
    from cloudmanager.periodic import SCHEDULE

    assert ("tickets.sla_warnings", 300, "cloudmanager.tickets.jobs.warn_sla_breaches") in SCHEDULE
