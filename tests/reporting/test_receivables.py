"""Receivables aging as of a day against a hand-worked data set (payment terms 14 days).

    a1 A issued 05-01 due 05-15  119.00  open
    a2 A issued 04-26 due 05-10   11.90  open
    a3 A issued 04-01 due 04-15  238.00  38.00 paid 04-20 → 200.00
    a4 A issued 05-11 due 05-25   83.30  open
    a5 A issued 03-01 due 03-15   11.90  paid 03-10
    b1 B issued 03-01 due 03-15   59.50  open
    b2 B issued 02-20 due 03-06   35.70  open
    b3 B issued 01-10 due 01-24  119.00  19.00 paid 05-20 → 100.00
    b4 B issued 04-10 due 04-24   23.80  credited in full 06-01
    b5 B issued 04-12 due 04-26   47.60  voided 06-15

As of 2026-05-10 (a4 not issued yet; b3's payment, b4's credit and b5's void still ahead):
    A: not yet due 119.00 + 11.90 (due that day) = 130.90; 1–30: 200.00 (25 days)
    B: 1–30: 23.80 (16 days) + 47.60 (14 days) = 71.40; 31–60: 59.50 (56 days);
       61–90: 35.70 (65 days); over 90: 119.00 (106 days)
As of 2026-07-01:
    A: 31–60: 119.00 (47) + 11.90 (52) + 83.30 (37) = 214.20; 61–90: 200.00 (77)
    B: over 90: 59.50 + 35.70 + 100.00 = 195.20
"""

from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.fixtures.finance import by_first_column, run_report

D = Decimal
BUCKETS = ("current", "days_1_30", "days_31_60", "days_61_90", "days_over_90")


def amounts(row) -> tuple:
    """The buckets and the outstanding total of a row."""
    return tuple(row[key] for key in BUCKETS + ("outstanding",))


@pytest.fixture
def ledger(make_customer, issue, pay, credit, void):
    """The invoices of the module docstring."""
    a, b = make_customer("Alpha GmbH"), make_customer("Beta GmbH")

    def one(customer, on, net):
        return issue(customer, on, [(1, net, None, None)])

    one(a, date(2026, 5, 1), "100.00")
    one(a, date(2026, 4, 26), "10.00")
    pay(one(a, date(2026, 4, 1), "200.00"), "38.00", date(2026, 4, 20))
    one(a, date(2026, 5, 11), "70.00")
    pay(one(a, date(2026, 3, 1), "10.00"), "11.90", date(2026, 3, 10))
    one(b, date(2026, 3, 1), "50.00")
    one(b, date(2026, 2, 20), "30.00")
    pay(one(b, date(2026, 1, 10), "100.00"), "19.00", date(2026, 5, 20))
    credit(one(b, date(2026, 4, 10), "20.00"), date(2026, 6, 1))
    void(one(b, date(2026, 4, 12), "40.00"), at=datetime(2026, 6, 15, 9, 30))
    return {"a": a, "b": b}


def test_aging_in_may_adds_back_what_was_settled_later(ledger):
    day = date(2026, 5, 10)
    result = run_report("receivables", day, day)
    rows = by_first_column(result)
    alpha, beta = (
        f"{ledger[k].number} · {name}" for k, name in (("a", "Alpha GmbH"), ("b", "Beta GmbH"))
    )
    assert list(rows) == [alpha, beta]
    assert amounts(rows[alpha]) == (D("130.90"), D("200.00"), D("0"), D("0"), D("0"), D("330.90"))
    assert rows[alpha]["invoices"] == 3
    assert amounts(rows[beta]) == (
        D("0.00"),
        D("71.40"),
        D("59.50"),
        D("35.70"),
        D("119.00"),
        D("285.60"),
    )
    assert rows[beta]["invoices"] == 5
    assert amounts(result.totals) == (
        D("130.90"),
        D("271.40"),
        D("59.50"),
        D("35.70"),
        D("119.00"),
        D("616.50"),
    )
    assert result.totals["invoices"] == 8


def test_aging_in_july_after_payments_credits_and_the_void(ledger):
    day = date(2026, 7, 1)
    result = run_report("receivables", day, day)
    alpha, beta = result.rows
    assert amounts(alpha) == (D("0"), D("0"), D("214.20"), D("200.00"), D("0"), D("414.20"))
    assert amounts(beta) == (D("0"), D("0"), D("0"), D("0"), D("195.20"), D("195.20"))
    assert amounts(result.totals) == (
        D("0.00"),
        D("0.00"),
        D("214.20"),
        D("200.00"),
        D("195.20"),
        D("609.40"),
    )


def test_the_buckets_add_up_to_the_outstanding_total_on_every_day(ledger):
    for day in (date(2026, 3, 6), date(2026, 4, 30), date(2026, 5, 10), date(2026, 6, 1)):
        result = run_report("receivables", day, day)
        for row in result.rows + [result.totals]:
            assert sum(row[key] for key in BUCKETS) == row["outstanding"]


def test_aging_today_is_the_open_balance_the_invoices_module_shows(ledger, db):
    from cloudmanager.core.timeutil import utcnow
    from cloudmanager.invoices.models import Invoice

    today = utcnow().date()
    open_balance = db.session.scalar(
        select(func.sum(Invoice.balance)).where(
            Invoice.status.in_(("issued", "partially_paid", "overdue"))
        )
    )
    assert run_report("receivables", today, today).totals["outstanding"] == open_balance
    assert open_balance == D("609.40")


def test_an_invoice_due_on_the_day_is_not_overdue_yet(ledger):
    day = date(2026, 3, 6)  # b2 is due that day, a5 and b1 later; b3 is 41 days overdue
    result = run_report("receivables", day, day)
    assert amounts(result.totals) == (D("107.10"), D("0"), D("119.00"), D("0"), D("0"), D("226.10"))


def test_customers_beyond_the_top_are_folded_into_one_row(ledger):
    day = date(2026, 5, 10)
    result = run_report("receivables", day, day, top=1)
    assert result.rows[-1]["customer"] == "1 other customer"
    assert amounts(result.rows[-1]) == amounts(
        by_first_column(run_report("receivables", day, day))[f"{ledger['b'].number} · Beta GmbH"]
    )
    assert result.totals["outstanding"] == D("616.50")


def test_an_aging_without_debts_is_empty(make_customer):
    make_customer("Nobody owes")
    day = date(2026, 5, 10)
    result = run_report("receivables", day, day)
    assert result.rows == [] and result.totals is None
