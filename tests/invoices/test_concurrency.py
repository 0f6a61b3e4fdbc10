"""Races on PostgreSQL: gapless numbers under concurrent issuing, idempotent payments."""

import os
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from cloudmanager.core.errors import Conflict
from cloudmanager.invoices.credit_models import CreditNote
from cloudmanager.invoices.models import Invoice

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.skipif(
        not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
        reason="needs TEST_DATABASE_URL pointing at PostgreSQL",
    ),
]


@pytest.fixture(autouse=True)
def no_background_jobs(monkeypatch):
    """PDFs and emails are not under test here: inline jobs would need a second connection
    per thread and exhaust the pool."""
    monkeypatch.setattr("cloudmanager.infra.queue.dispatch", lambda job: None)


class PlannedFailure(Exception):
    """Raised on purpose after the number was taken."""


def run_in_threads(app, calls, workers=16):
    """Run each `call(session_user)` in its own thread and app context; returns outcomes."""
    from cloudmanager.auth.models import User
    from cloudmanager.extensions import db

    def run(call):
        with app.app_context():
            try:
                call(db.session.get(User, call.user_id))
                db.session.commit()
                return "ok"
            except (PlannedFailure, Conflict) as exc:
                db.session.rollback()
                return type(exc).__name__
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(run, calls))


def sequences(numbers):
    return sorted(int(re.search(r"(\d+)$", number).group(1)) for number in numbers)


def test_200_concurrent_issues_over_two_series_leave_no_gap_and_no_duplicate(
    app, db, admin, make_draft, make_issued
):
    from cloudmanager.invoices.credit_notes import create_credit_note
    from cloudmanager.invoices.issuing import issue_invoice

    to_credit = [make_issued().id for _ in range(100)]
    drafts = [make_draft().id for _ in range(100)]
    calls = []
    for index, (draft_id, invoice_id) in enumerate(zip(drafts, to_credit)):
        fail = index % 7 == 3

        def issue(user, draft_id=draft_id, fail=fail):
            issue_invoice(db.session.get(Invoice, draft_id), by=user)
            if fail:
                raise PlannedFailure()

        def credit(user, invoice_id=invoice_id, fail=fail):
            invoice = db.session.get(Invoice, invoice_id)
            create_credit_note(invoice, {"all": True, "reason": "race"}, by=user)
            if fail:
                raise PlannedFailure()

        issue.user_id = credit.user_id = admin.id
        calls += [issue, credit]
    outcomes = run_in_threads(app, calls)
    assert outcomes.count("PlannedFailure") == 2 * sum(1 for i in range(100) if i % 7 == 3)
    db.session.expire_all()
    invoice_numbers = db.session.scalars(select(Invoice.number).where(Invoice.number.is_not(None)))
    note_numbers = db.session.scalars(select(CreditNote.number)).all()
    issued = sequences(invoice_numbers)
    assert issued == list(range(1, len(issued) + 1))
    assert len(issued) == 100 + outcomes[0::2].count("ok")
    assert sequences(note_numbers) == list(range(1, outcomes[1::2].count("ok") + 1))


def test_the_same_payment_posted_10_times_in_parallel_counts_once(app, db, admin, make_issued):
    from cloudmanager.invoices.payments import record_payment

    invoice = make_issued()
    data = {"amount": "50.00", "method": "bank_transfer", "reference": "SEPA-2026-0001"}

    def post(user):
        record_payment(db.session.get(Invoice, invoice.id), dict(data), by=user)

    post.user_id = admin.id
    outcomes = run_in_threads(app, [post] * 10, workers=10)
    assert sorted(outcomes) == ["Conflict"] * 9 + ["ok"]
    db.session.refresh(invoice)
    assert str(invoice.paid_total) == "50.00" and str(invoice.balance) == "69.00"


def test_the_same_reference_racing_on_two_invoices_is_stored_once(app, db, admin, make_issued):
    from cloudmanager.invoices.payments import record_payment

    ids = [make_issued().id, make_issued().id]
    calls = []
    for index in range(10):

        def post(user, invoice_id=ids[index % 2]):
            data = {"amount": "10.00", "method": "card", "reference": "CARD-77"}
            record_payment(db.session.get(Invoice, invoice_id), data, by=user)

        post.user_id = admin.id
        calls.append(post)
    outcomes = run_in_threads(app, calls, workers=10)
    assert outcomes.count("ok") == 1
    totals = db.session.scalars(select(Invoice.paid_total).where(Invoice.id.in_(ids))).all()
    assert sorted(str(t) for t in totals) == ["0.00", "10.00"]
