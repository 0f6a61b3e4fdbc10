"""The billing run: renewals within the window, once per period, crash-safe, suspensions."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from cloudmanager.invoices.models import Invoice, InvoiceLine
from cloudmanager.orders.billing import run_billing
from cloudmanager.orders.models import BillingRunItem, ServiceBillingPeriod


def renewal_count(db):
    return db.session.scalar(select(func.count(ServiceBillingPeriod.id))) - db.session.scalar(
        select(func.count(ServiceBillingPeriod.id)).where(ServiceBillingPeriod.period_index == 0)
    )


def test_a_service_is_renewed_14_days_before_its_period_starts(db, make_service, jobs):
    service = make_service(on=date(2026, 1, 31))  # next period starts 2026-02-28
    assert run_billing(date(2026, 2, 13)).invoices_created == 0
    run = run_billing(date(2026, 2, 14))
    assert run.invoices_created == 1
    db.session.refresh(service)
    assert service.next_due_date == date(2026, 3, 31) and service.periods_billed == 2
    line = db.session.scalar(select(InvoiceLine).order_by(InvoiceLine.id.desc()).limit(1))
    assert line.description.endswith("28 Feb 2026 – 30 Mar 2026")
    assert line.net == Decimal("10.00")
    invoice = db.session.get(Invoice, line.invoice_id)
    assert invoice.state == "issued" and invoice.due_date == date(2026, 2, 28)


def test_running_twice_on_the_same_day_bills_nothing_more(db, make_service, jobs):
    make_service()
    make_service()
    assert run_billing(date(2026, 2, 20)).invoices_created == 2
    assert run_billing(date(2026, 2, 20)).invoices_created == 0
    assert renewal_count(db) == 2


def test_a_stopped_clock_catches_up_every_missed_period_once(db, make_service, jobs):
    service = make_service(on=date(2026, 1, 31))
    run = run_billing(date(2026, 6, 1))  # periods from Feb 28 to Jun 1 + 14 days
    db.session.refresh(service)
    starts = db.session.scalars(
        select(ServiceBillingPeriod.period_start).order_by(ServiceBillingPeriod.period_start)
    ).all()
    assert starts == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
        date(2026, 5, 31),
    ]
    assert run.invoices_created == 4 and service.next_due_date == date(2026, 6, 30)


def test_the_database_refuses_a_second_row_for_the_same_period(db, make_service):
    from sqlalchemy.exc import IntegrityError

    service = make_service(on=date(2026, 1, 31))
    db.session.add(
        ServiceBillingPeriod(
            service_id=service.id,
            period_index=0,
            period_start=date(2026, 1, 31),
            period_end=date(2026, 2, 27),
        )
    )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


class SimulatedCrash(BaseException):
    """A crash the run cannot catch (like the process being killed)."""


def test_a_run_killed_half_way_is_completed_by_the_next_run_without_duplicates(
    db, make_service, monkeypatch, jobs
):
    from cloudmanager.invoices import issuing

    services = [make_service() for _ in range(10)]
    real_issue = issuing.issue_invoice
    calls = {"n": 0}

    def crashing_issue(invoice, **kwargs):
        calls["n"] += 1
        if calls["n"] == 5:
            raise SimulatedCrash()
        return real_issue(invoice, **kwargs)

    monkeypatch.setattr(issuing, "issue_invoice", crashing_issue)
    with pytest.raises(SimulatedCrash):
        run_billing(date(2026, 2, 20))
    db.session.rollback()
    assert renewal_count(db) == 4
    monkeypatch.setattr(issuing, "issue_invoice", real_issue)
    assert run_billing(date(2026, 2, 20)).invoices_created == 6
    assert renewal_count(db) == 10
    for service in services:
        db.session.refresh(service)
        assert service.next_due_date == date(2026, 3, 31)
    invoices = db.session.scalar(select(func.count(Invoice.id)))
    assert invoices == 10 + 10  # first invoices + one renewal each


def test_a_failing_service_is_recorded_and_the_others_are_billed(db, admin, make_service, jobs):
    good = make_service()
    bad = make_service()
    bad.tax_rate_id = 999999  # a tax rate that no longer exists
    db.session.commit()
    run = run_billing(date(2026, 2, 20))
    assert run.invoices_created == 1 and run.failed == 1
    failure = db.session.scalar(select(BillingRunItem).where(BillingRunItem.outcome == "failed"))
    assert failure.service_id == bad.id and failure.error
    db.session.refresh(good)
    assert good.periods_billed == 2


def test_overdue_services_are_suspended_and_resume_when_paid(db, admin, make_service, jobs):
    from cloudmanager.invoices.payments import record_payment

    service = make_service(on=date(2026, 1, 31))
    first = db.session.get(Invoice, service.first_invoice_id)
    # first invoice due Feb 14; suspended after 21 more days
    assert run_billing(date(2026, 3, 7)).services_suspended == 0
    run = run_billing(date(2026, 3, 8))
    db.session.refresh(service)
    assert run.services_suspended == 1 and service.status == "suspended"
    assert service.suspended_reason == "overdue"
    invoices = db.session.scalars(
        select(Invoice).where(Invoice.balance > 0).order_by(Invoice.id)
    ).all()
    assert [inv.id for inv in invoices][0] == first.id and len(invoices) == 2
    for number, invoice in enumerate(invoices):
        assert service.status == "suspended"  # something is still overdue (today is later)
        record_payment(
            invoice,
            {"amount": str(invoice.balance), "method": "bank_transfer", "reference": f"P{number}"},
            by=admin,
        )
        db.session.commit()
        db.session.refresh(service)
    assert service.status == "active"


def test_suspended_services_are_not_renewed(db, admin, make_service, jobs):
    from cloudmanager.orders.lifecycle import suspend_service

    service = make_service()
    suspend_service(service, by=admin, note="Abuse")
    db.session.commit()
    assert run_billing(date(2026, 2, 20)).invoices_created == 0


def test_the_clock_starts_the_billing_run_once_a_day():
    from cloudmanager.periodic import SCHEDULE

    assert ("billing-run", 24 * 3600, "cloudmanager.orders.jobs.billing_run") in SCHEDULE


def test_a_run_is_refused_while_another_is_running_and_records_nothing(
    db, runner, make_service, jobs
):
    from cloudmanager.orders.jobs import billing_run
    from cloudmanager.orders.models import BillingRun
    from cloudmanager.orders.run_lock import billing_run_lock

    make_service(on=date(2026, 1, 31))
    with billing_run_lock():  # another run is going
        assert billing_run("schedule") is None
        result = runner.invoke(args=["billing", "run", "--date", "2026-02-20"])
        assert result.exit_code != 0 and "already running" in result.output
    assert db.session.scalar(select(func.count(BillingRun.id))) == 0
    result = runner.invoke(args=["billing", "run", "--date", "2026-02-20"])
    assert result.exit_code == 0 and "1 invoices" in result.output
    assert billing_run("schedule") is not None  # the lock was given back


def test_a_run_that_finds_nothing_is_still_recorded_for_the_runs_page(db, make_service, jobs):
    from cloudmanager.orders.models import BillingRun

    make_service(on=date(2026, 1, 31))
    run = run_billing(date(2026, 2, 1))  # nothing due, overdue or ending
    assert (run.invoices_created, run.services_suspended, run.failed) == (0, 0, 0)
    assert db.session.get(BillingRun, run.id).finished_at is not None


def test_a_renewal_queues_its_invoice_email_through_the_outbox(db, make_service, jobs):
    from cloudmanager.invoices.models import InvoiceEmail

    make_service(on=date(2026, 1, 31))
    jobs.clear()
    run_billing(date(2026, 2, 20))
    renewal = db.session.scalar(
        select(ServiceBillingPeriod).where(ServiceBillingPeriod.period_index == 1)
    )
    [row] = db.session.scalars(
        select(InvoiceEmail).where(InvoiceEmail.invoice_id == renewal.invoice_id)
    ).all()
    assert row.event_key == f"invoice:{renewal.invoice_id}:issued" and row.kind == "invoice"
    assert row.recipients == "billing1@acme.example" and row.sent_at is None
    assert ("cloudmanager.invoices.jobs.send_invoice_email", (row.id,)) in jobs
    run_billing(date(2026, 2, 20))  # a second run queues nothing more
    assert db.session.scalar(select(func.count(InvoiceEmail.id))) == 2  # first + renewal
