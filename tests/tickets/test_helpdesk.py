"""What the customer's products decide: the support tier of its tickets."""

from datetime import datetime
from unittest import mock

from cloudmanager.orders.lifecycle import cancel_service
from cloudmanager.tickets import services
from cloudmanager.tickets.helpdesk import support_tier_for

MONDAY_9 = datetime(2026, 11, 30, 8, 0)  # 09:00 in Berlin (UTC+1)


def opened_monday_9(make_ticket, **fields):
    with mock.patch("cloudmanager.tickets.services.utcnow", return_value=MONDAY_9):
        return make_ticket(**fields)


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
    services.link_customer(ticket, customer, by=users["agent"])
    assert ticket.support_tier == "premium"
