"""Reminders: the step each unpaid invoice has reached is emailed once per invoice and step."""

from datetime import date, timedelta

from sqlalchemy import select

from cloudmanager.invoices.emails import current_step, reminder_steps
from cloudmanager.invoices.jobs import send_due_reminders
from cloudmanager.invoices.models import InvoiceEmail


def reminder_keys(db):
    return sorted(
        db.session.scalars(
            select(InvoiceEmail.event_key).where(InvoiceEmail.kind == "reminder")
        ).all()
    )


def test_steps_come_from_the_settings_with_zero_meaning_on_the_due_date(db, admin):
    from cloudmanager.settings.services import update_settings

    update_settings(
        {"invoicing.reminder_days_before": [3, 0], "invoicing.reminder_days_after": [7, 14]},
        by=admin,
    )
    assert reminder_steps() == [("before-3", -3), ("due", 0), ("after-7", 7), ("after-14", 14)]


def test_the_latest_step_reached_is_the_one_sent(app):
    due, issued = date(2026, 5, 15), date(2026, 5, 1)
    assert current_step(due, issued, date(2026, 5, 11)) is None
    assert current_step(due, issued, date(2026, 5, 12)) == "before-3"
    assert current_step(due, issued, date(2026, 5, 23)) == "after-7"
    assert current_step(due, issued, date(2026, 9, 1)) == "after-30"
    assert current_step(due, date(2026, 5, 13), date(2026, 5, 13)) is None  # not before issue


def test_each_reminder_is_sent_once_however_often_the_run_starts(db, make_issued, smtp_server):
    today = date.today()
    overdue = make_issued(on=today - timedelta(days=14 + 8))  # due 8 days ago → after-7
    make_issued(on=today)  # not due yet, no step reached
    smtp_server.messages.clear()
    assert send_due_reminders() == 1
    assert send_due_reminders() == 0
    assert reminder_keys(db) == [f"reminder:{overdue.id}:after-7"]
    (mail,) = smtp_server.messages
    assert "Reminder" in mail.message["Subject"] and overdue.number in mail.message["Subject"]


def test_paid_invoices_get_no_reminder(db, make_issued, admin):
    from cloudmanager.invoices.payments import record_payment

    invoice = make_issued(on=date.today() - timedelta(days=30))
    record_payment(
        invoice, {"amount": "119.00", "method": "bank_transfer", "reference": "R1"}, by=admin
    )
    db.session.commit()
    assert send_due_reminders() == 0


def test_the_reminder_run_is_registered_as_a_periodic_job(app):
    from cloudmanager.periodic import SCHEDULE

    assert any(path.endswith("invoices.jobs.send_due_reminders") for _, _, path in SCHEDULE)
