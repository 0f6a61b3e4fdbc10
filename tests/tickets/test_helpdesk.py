"""What the helpdesk settings and the customer's products decide: tier, calendar, who hears."""

from datetime import datetime
from unittest import mock

from sqlalchemy import select

from cloudmanager.customers.models import Contact
from cloudmanager.notifications.models import Notification
from cloudmanager.orders.lifecycle import cancel_service
from cloudmanager.tickets import changes, services
from cloudmanager.tickets.helpdesk import calendar_for, support_tier_for

MONDAY_9 = datetime(2026, 11, 30, 8, 0)  # 09:00 in Berlin (UTC+1)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def opened_monday_9(make_ticket, **fields):
    with mock.patch("cloudmanager.tickets.services.utcnow", return_value=MONDAY_9):
        return make_ticket(**fields)


def outbox(db, **where):
    rows = db.session.scalars(select(Notification).order_by(Notification.id)).all()
    return [r for r in rows if all(getattr(r, k) == v for k, v in where.items())]


# Support tier: the best tier of the customer's active services.


def test_a_customer_with_an_active_premium_service_gets_premium_targets(
    make_customer, make_ticket, make_service
):
    customer = make_customer()
    make_service(customer, "premium")
    ticket = opened_monday_9(make_ticket, customer=customer, priority="urgent")
    assert ticket.support_tier == "premium"
    # premium, urgent: 1 h first response, 4 h resolution (standard would be 2 h and 8 h).
    assert ticket.first_response_due_at == datetime(2026, 11, 30, 9, 0)
    assert ticket.resolution_due_at == datetime(2026, 11, 30, 12, 0)


def test_a_cancelled_premium_service_no_longer_counts(make_customer, make_ticket, make_service, db):
    customer = make_customer()
    service = make_service(customer, "premium")
    cancel_service(service)
    db.session.commit()
    ticket = opened_monday_9(make_ticket, customer=customer, priority="urgent")
    assert ticket.support_tier == "standard"
    assert ticket.first_response_due_at == datetime(2026, 11, 30, 10, 0)


def test_the_best_tier_of_the_active_services_wins(make_customer, make_service):
    customer = make_customer()
    make_service(customer, "basic")
    assert support_tier_for(customer) == "basic"
    make_service(customer, "premium", status="suspended")
    make_service(customer, None)
    make_service(make_customer(), "premium")  # another customer's
    assert support_tier_for(customer) == "basic"
    make_service(customer, "standard")
    assert support_tier_for(customer) == "standard"


def test_the_tier_takes_one_query(make_customer, make_service, count_queries):
    customer = make_customer()
    make_service(customer, "premium")
    assert customer.id  # loaded: only the tier's own query is counted
    with count_queries() as counter:
        assert support_tier_for(customer) == "premium"
    assert counter.count == 1


def test_linking_a_customer_takes_its_tier(make_customer, make_service, db, users):
    customer = make_customer()
    make_service(customer, "premium")
    ticket = services.open_ticket(
        subject="Help", body="Hi", department="Sales", requester_email="x@unknown.example"
    )
    assert ticket.support_tier == "standard"
    changes.link_customer(ticket, customer, by=users["agent"])
    assert ticket.support_tier == "premium"


# Department calendars: own hours, holidays and time zone; the rest from the helpdesk.


def test_a_department_with_its_own_hours_runs_its_clocks_on_them(make_ticket, helpdesk_settings):
    late_shift = {day: "12:00-20:00" for day in WEEKDAYS}  # Berlin, the helpdesk's time zone
    helpdesk_settings(department_calendars={"Billing": {"business_hours": late_shift}})
    billing = opened_monday_9(make_ticket, department="Billing", priority="urgent")
    support = opened_monday_9(make_ticket, department="Technical support", priority="urgent")
    # Standard, urgent: 2 h / 8 h. Billing opens at 12:00 Berlin = 11:00 UTC.
    assert billing.first_response_due_at == datetime(2026, 11, 30, 13, 0)
    assert billing.resolution_due_at == datetime(2026, 11, 30, 19, 0)
    assert support.first_response_due_at == datetime(2026, 11, 30, 10, 0)


def test_a_department_time_zone_and_holidays_replace_the_helpdesks(make_ticket, helpdesk_settings):
    helpdesk_settings(
        department_calendars={"Sales": {"timezone": "America/New_York", "holidays": ["2026-11-30"]}}
    )
    ticket = opened_monday_9(make_ticket, department="Sales", priority="urgent")
    # Monday is Sales' holiday; Tuesday 09:00 in New York (UTC-5) is 14:00 UTC, + 2 h.
    assert ticket.first_response_due_at == datetime(2026, 12, 1, 16, 0)
    assert calendar_for("Sales").hours == calendar_for("Billing").hours


def test_a_department_that_works_through_holidays_has_none(make_ticket, helpdesk_settings):
    helpdesk_settings(
        holidays=["2026-11-30"], department_calendars={"Billing": {"works_holidays": True}}
    )
    billing = opened_monday_9(make_ticket, department="Billing", priority="urgent")
    support = opened_monday_9(make_ticket, department="Technical support", priority="urgent")
    # Monday 30 Nov is the helpdesk's holiday: support starts Tuesday, Billing at once.
    assert billing.first_response_due_at == datetime(2026, 11, 30, 10, 0)
    assert support.first_response_due_at == datetime(2026, 12, 1, 10, 0)
    assert calendar_for("Billing").hours == calendar_for("Technical support").hours


def test_moving_a_ticket_to_another_department_takes_its_calendar(
    make_ticket, helpdesk_settings, users
):
    late_shift = {day: "12:00-20:00" for day in WEEKDAYS}
    helpdesk_settings(department_calendars={"Billing": {"business_hours": late_shift}})
    ticket = opened_monday_9(make_ticket, priority="urgent")
    changes.change_department(ticket, "Billing", by=users["agent"])
    assert ticket.first_response_due_at == datetime(2026, 11, 30, 13, 0)


def test_a_department_without_its_own_calendar_uses_the_helpdesks(helpdesk_settings):
    helpdesk_settings(department_calendars={"Billing": {"timezone": "Asia/Tokyo"}})
    assert calendar_for("Sales") == calendar_for("Technical support")
    assert (
        calendar_for("Sales").tz == "Europe/Berlin" and calendar_for("Billing").tz == "Asia/Tokyo"
    )


# New tickets go to the department's members.


def test_new_tickets_go_to_the_departments_members_only(
    make_ticket, make_user, helpdesk_settings, users, db
):
    billing_agent = make_user("agent")
    billing_admin = make_user("admin")
    helpdesk_settings(department_members={"Billing": [billing_agent.id, billing_admin.id]})
    make_ticket(department="Billing")
    to = sorted(n.recipient for n in outbox(db, template="ticket_staff_new"))
    assert to == sorted([billing_agent.email, billing_admin.email])


def test_a_department_without_members_tells_every_agent_and_manager(
    make_ticket, make_user, helpdesk_settings, users, db
):
    helpdesk_settings(department_members={"Billing": [make_user("agent").id]})
    make_ticket(department="Sales")
    to = {n.recipient for n in outbox(db, template="ticket_staff_new")}
    assert {users["agent"].email, users["manager"].email} <= to
    assert users["admin"].email not in to and users["accountant"].email not in to


def test_a_department_whose_members_are_all_disabled_falls_back_to_everyone(
    make_ticket, make_user, helpdesk_settings, users, db
):
    gone = make_user("agent", active=False)
    helpdesk_settings(department_members={"Billing": [gone.id]})
    make_ticket(department="Billing")
    to = {n.recipient for n in outbox(db, template="ticket_staff_new")}
    assert gone.email not in to and users["agent"].email in to


def test_sla_warnings_of_unassigned_tickets_go_to_the_members(
    make_ticket, make_user, helpdesk_settings, users, db
):
    from cloudmanager.tickets.jobs import warn_sla_breaches

    member = make_user("manager")
    helpdesk_settings(department_members={"Billing": [member.id]})
    ticket = make_ticket(department="Billing")
    ticket.first_response_due_at = datetime(2020, 1, 1)
    db.session.commit()
    warn_sla_breaches()
    assert {n.recipient for n in outbox(db, template="ticket_staff_sla_warning")} == {member.email}


# SMS for urgent tickets: every contact of the customer who accepts SMS, once per number.


def add_contact(db, customer, **fields):
    n = len(customer.contacts) + 1
    contact = Contact(customer=customer, name=f"Extra {n}", email=f"extra{n}@x.example", **fields)
    db.session.add(contact)
    db.session.commit()
    return contact


def test_urgent_replies_text_every_contact_who_accepts_sms_once_per_number(
    make_customer, make_ticket, users, db
):
    customer = make_customer()  # the requester does not accept SMS
    add_contact(db, customer, receives_sms=True, phone="+49 151 1234 5678")
    add_contact(db, customer, receives_sms=True, phone="+4915112345678")  # same number
    add_contact(db, customer, receives_sms=True, phone="+49 170 9999")
    add_contact(db, customer, receives_sms=False, phone="+49 160 0000")
    add_contact(db, customer, receives_sms=True, phone="")
    add_contact(db, make_customer(), receives_sms=True, phone="+49 171 1111")
    ticket = make_ticket(customer=customer, priority="urgent")
    services.add_reply(ticket, author=users["agent"], body="We are on it.")
    db.session.commit()
    assert sorted(n.recipient for n in outbox(db, channel="sms")) == [
        "+49 151 1234 5678",
        "+49 170 9999",
    ]


def test_replies_to_tickets_that_are_not_urgent_text_nobody(make_customer, make_ticket, users, db):
    customer = make_customer(receives_sms=True, phone="+4915112345678")
    ticket = make_ticket(customer=customer, priority="high")
    services.add_reply(ticket, author=users["agent"], body="We are on it.")
    services.add_reply(ticket, author=users["agent"], body="Note", internal=True)
    db.session.commit()
    assert outbox(db, channel="sms") == []
