"""Orders: totals, price overrides by role, accepting creates the invoice and services."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from cloudmanager.core.errors import Conflict, ValidationFailed
from cloudmanager.invoices.models import Invoice
from cloudmanager.orders.models import Service, ServiceBillingPeriod


def test_order_totals_include_setup_fees_and_tax(make_order, server, migration):
    order = make_order(
        [
            {"product_id": str(server.id), "cycle": "monthly", "quantity": "2"},
            {"product_id": str(migration.id)},
        ]
    )
    # 2 × 10.00 + 2 × 5.00 setup + 50.00 = 80.00 net, 19% = 15.20
    assert order.net_total == Decimal("80.00")
    assert order.tax_total == Decimal("15.20")
    assert order.gross_total == Decimal("95.20")
    assert order.number == f"ORD-{order.id:06d}"


def test_accepting_creates_one_invoice_with_first_periods_setup_fees_and_one_offs(
    db, admin, make_order, server, migration, jobs
):
    from cloudmanager.orders.accept import accept_order

    order = make_order(
        [
            {"product_id": str(server.id), "cycle": "monthly", "quantity": "2", "discount": "1"},
            {"product_id": str(server.id), "cycle": "annual"},
            {"product_id": str(migration.id)},
        ]
    )
    accept_order(order, by=admin, on=date(2026, 1, 31))
    db.session.commit()
    invoice = db.session.get(Invoice, order.invoice_id)
    assert invoice.state == "issued" and invoice.issue_date == date(2026, 1, 31)
    lines = [(ln.description, ln.quantity, ln.unit_price, ln.discount) for ln in invoice.lines]
    assert lines == [
        ("Cloud Server M (Monthly), 31 Jan 2026 – 27 Feb 2026", 2, 10, 1),
        ("Setup fee: Cloud Server M", 2, 5, 0),
        ("Cloud Server M (Annual), 31 Jan 2026 – 30 Jan 2027", 1, 100, 0),
        ("Setup fee: Cloud Server M", 1, 5, 0),
        ("Migration", 1, 50, 0),
    ]
    assert invoice.net_total == Decimal("184.00")
    services = db.session.scalars(select(Service).order_by(Service.id)).all()
    assert [(s.cycle, s.quantity, s.status, s.next_due_date) for s in services] == [
        ("monthly", 2, "pending", date(2026, 2, 28)),
        ("annual", 1, "pending", date(2027, 1, 31)),
    ]
    periods = db.session.scalars(select(ServiceBillingPeriod)).all()
    assert {(p.period_start, p.invoice_id) for p in periods} == {(date(2026, 1, 31), invoice.id)}
    assert len(periods) == 2
    assert order.status == "accepted"
    assert ("cloudmanager.orders.jobs.send_service_notification", (1,)) in jobs


def test_paying_the_first_invoice_activates_the_services(db, admin, make_order, server, jobs):
    from cloudmanager.invoices.payments import record_payment
    from cloudmanager.orders.accept import accept_order

    order = make_order([{"product_id": str(server.id), "cycle": "monthly"}])
    accept_order(order, by=admin)
    db.session.commit()
    invoice = db.session.get(Invoice, order.invoice_id)
    record_payment(
        invoice, {"amount": "5.00", "method": "bank_transfer", "reference": "A1"}, by=admin
    )
    db.session.commit()
    assert db.session.scalar(select(Service.status)) == "pending"
    record_payment(
        invoice,
        {"amount": str(invoice.balance), "method": "bank_transfer", "reference": "A2"},
        by=admin,
    )
    db.session.commit()
    assert db.session.scalar(select(Service.status)) == "active"


def test_a_product_that_starts_on_order_is_active_before_its_invoice_is_paid(
    db, admin, make_order, make_product, server, jobs
):
    from cloudmanager.orders.accept import accept_order

    instant = make_product(name="Object storage", activate_on_order=True)
    order = make_order(
        [
            {"product_id": str(instant.id), "cycle": "monthly"},
            {"product_id": str(server.id), "cycle": "monthly"},
        ]
    )
    accept_order(order, by=admin)
    db.session.commit()
    invoice = db.session.get(Invoice, order.invoice_id)
    assert invoice.status == "issued" and invoice.balance > 0
    statuses = dict(db.session.execute(select(Service.name, Service.status)).all())
    assert statuses == {"Object storage": "active", "Cloud Server M": "pending"}
    assert ("cloudmanager.orders.jobs.send_service_notification", (2,)) in jobs


def test_products_wait_for_payment_unless_they_say_otherwise(make_product):
    assert make_product().activate_on_order is False


def test_the_global_activation_setting_is_gone():
    from cloudmanager.settings.services import DEFAULTS
    from cloudmanager.settings.validation import RULES

    assert "orders.activate_before_payment" not in DEFAULTS
    assert "orders.activate_before_payment" not in RULES


def test_a_failing_acceptance_leaves_nothing_behind(db, admin, make_order, make_product):
    from cloudmanager.orders.accept import accept_order

    scarce = make_product(name="Dedicated box", stock=1)
    order = make_order([{"product_id": str(scarce.id), "cycle": "monthly", "quantity": "2"}])
    with pytest.raises(Conflict):
        accept_order(order, by=admin)
    db.session.rollback()
    assert db.session.scalar(select(Invoice.id)) is None
    assert db.session.scalar(select(Service.id)) is None
    assert db.session.get(type(scarce), scarce.id).stock == 1


def test_agents_cannot_override_prices_but_managers_can(db, make_user, make_order, server):
    line = {"product_id": str(server.id), "cycle": "monthly", "unit_price": "7.50"}
    with pytest.raises(ValidationFailed) as refused:
        make_order([line], by=make_user("agent"))
    assert "lines-0-unit_price" in refused.value.errors
    db.session.rollback()
    order = make_order([line], by=make_user("manager"))
    assert order.lines[0].unit_price == Decimal("7.50") and order.lines[0].price_overridden


def test_an_accepted_order_cannot_be_accepted_cancelled_or_flagged_again(
    db, admin, make_order, server
):
    from cloudmanager.orders.accept import accept_order
    from cloudmanager.orders.orders import cancel_order, mark_fraud

    order = make_order([{"product_id": str(server.id), "cycle": "monthly"}])
    accept_order(order, by=admin)
    db.session.commit()
    for action in (
        lambda: accept_order(order, by=admin),
        lambda: cancel_order(order, by=admin),
        lambda: mark_fraud(order, "stolen card", by=admin),
    ):
        with pytest.raises(Conflict):
            action()


def test_fraud_needs_a_reason_and_creates_nothing(db, admin, make_order, server):
    from cloudmanager.orders.orders import mark_fraud

    order = make_order([{"product_id": str(server.id), "cycle": "monthly"}])
    with pytest.raises(ValidationFailed):
        mark_fraud(order, " ", by=admin)
    mark_fraud(order, "Stolen card", by=admin)
    db.session.commit()
    assert order.status == "fraud" and order.invoice_id is None
    assert db.session.scalar(select(Service.id)) is None


def test_order_lines_refuse_unknown_products_and_cycles(make_order, migration, server):
    with pytest.raises(ValidationFailed) as refused:
        make_order([{"product_id": "999999"}, {"product_id": str(server.id), "cycle": "quarterly"}])
    assert set(refused.value.errors) == {"lines-0-product_id", "lines-1-cycle"}


def test_order_and_service_emails_are_sent_once_from_the_outbox(
    db, admin, make_order, server, jobs
):
    from cloudmanager.orders.accept import accept_order
    from cloudmanager.orders.jobs import send_service_notification
    from cloudmanager.orders.lifecycle import activate_service, suspend_service
    from cloudmanager.orders.models import ServiceNotification

    order = make_order([{"product_id": str(server.id), "cycle": "monthly"}])
    accept_order(order, by=admin)
    service = db.session.scalar(select(Service))
    activate_service(service, by=admin)
    suspend_service(service, by=admin, note="Abuse")
    db.session.commit()
    rows = db.session.scalars(select(ServiceNotification).order_by(ServiceNotification.id)).all()
    assert [row.event for row in rows] == [
        "order_confirmation",
        "service_activated",
        "service_suspended",
    ]
    for row in rows:
        assert send_service_notification(row.id) is True
        assert send_service_notification(row.id) is False
    assert all(row.sent_at is not None for row in rows)


def test_orders_list_runs_a_constant_number_of_queries(
    client, login_as, make_order, server, count_queries
):
    login_as("agent")
    make_order([{"product_id": str(server.id), "cycle": "monthly"}])
    client.get("/orders/")
    with count_queries() as few:
        client.get("/orders/")
    for _ in range(6):
        make_order([{"product_id": str(server.id), "cycle": "monthly"}])
    with count_queries() as many:
        page = client.get("/orders/").get_data(as_text=True)
    assert many.count == few.count and page.count("ORD-") >= 7


def test_an_acceptance_rolled_back_dispatches_no_job(db, admin, make_order, server, jobs):
    from cloudmanager.orders.accept import accept_order

    order = make_order([{"product_id": str(server.id), "cycle": "monthly"}])
    jobs.clear()
    accept_order(order, by=admin)
    db.session.rollback()
    assert jobs == []


def test_an_order_refuses_a_product_priced_in_another_currency(make_order, make_product, server):
    dollars = make_product(name="US Server", currency="USD", prices={"monthly": "12.00"})
    with pytest.raises(ValidationFailed) as refused:
        make_order([{"product_id": str(server.id)}, {"product_id": str(dollars.id)}])
    assert refused.value.errors == {
        "lines-1-product_id": "US Server is priced in USD; this customer pays in EUR."
    }
