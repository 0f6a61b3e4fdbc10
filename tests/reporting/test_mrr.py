"""MRR movements, ARR and customer churn against a hand-worked service history (EUR).

    A  S1 100.00 from 2025-11-10; +50.00 on 2026-02-15 (upgrade)      → 150
       S9  10.00 from 2026-04-01                                        → 160
    B  S2 annual 1,200.00 = 100.00/month from 2025-12-01; cancelled 2026-03-05
    C  S3  50.00 from 2026-01-20; −30.00 on 2026-03-10 (downgrade)     → 20
       S4  30.00 from 2026-01-25
    D  S5  40.00 from 2025-06-01 to 2025-09-30; S6 60.00 from 2026-02-02 (comes back)
    E  S7  25.00 from 2026-04-03 to 2026-04-20 (in and out within April); S8 pending
    F  (USD) S10 500.00 from 2026-01-05

Start of 2026: A 100 + B 100 = 200.00, 2 customers.
January:  C new 80.00                               → 280.00, 3 customers
February: A expansion 50.00, D reactivation 60.00   → 390.00, 4 customers
March:    B churn −100.00, C contraction −30.00     → 260.00, 3 customers, churn 1/4 = 25 %
April:    A expansion 10.00 (E nets to nothing)     → 270.00, ARR 3,240.00
"""

from datetime import date, datetime
from decimal import Decimal

import pytest

from tests.fixtures.finance import run_report

D = Decimal
JAN, APR = date(2026, 1, 1), date(2026, 4, 30)
MOVEMENTS = ("new", "expansion", "reactivation", "contraction", "churn")


@pytest.fixture
def history(make_customer, subscribe):
    """The service history of the module docstring."""
    a, b, c, d, e = (make_customer(name) for name in ("A", "B", "C", "D", "E"))
    f = make_customer("F", country="US", currency="USD")
    subscribe(
        a, "150.00", datetime(2025, 11, 10, 9), changes=[(datetime(2026, 2, 15, 12), "50.00")]
    )
    subscribe(a, "10.00", datetime(2026, 4, 1, 0, 5))
    subscribe(b, "100.00", datetime(2025, 12, 1, 8), ended=datetime(2026, 3, 5, 17), cycle="annual")
    subscribe(
        c, "20.00", datetime(2026, 1, 20, 10), changes=[(datetime(2026, 3, 10, 11), "-30.00")]
    )
    subscribe(c, "30.00", datetime(2026, 1, 25, 10))
    subscribe(d, "40.00", datetime(2025, 6, 1, 10), ended=datetime(2025, 9, 30, 10))
    subscribe(d, "60.00", datetime(2026, 2, 2, 10))
    subscribe(e, "25.00", datetime(2026, 4, 3, 10), ended=datetime(2026, 4, 20, 10))
    subscribe(e, "99.00", None)
    subscribe(f, "500.00", datetime(2026, 1, 5, 10))


def movements(row) -> tuple:
    """(starting, new, expansion, reactivation, contraction, churn, ending) of a row."""
    return (row["starting_mrr"], *(row[key] for key in MOVEMENTS), row["ending_mrr"])


def test_mrr_movements_month_by_month(history):
    result = run_report("mrr", JAN, APR)
    january, february, march, april = result.rows
    assert [row["month"] for row in result.rows] == ["2026-01", "2026-02", "2026-03", "2026-04"]
    assert movements(january) == (D("200.00"), D("80.00"), 0, 0, 0, 0, D("280.00"))
    assert movements(february) == (D("280.00"), 0, D("50.00"), D("60.00"), 0, 0, D("390.00"))
    assert movements(march) == (D("390.00"), 0, 0, 0, D("-30.00"), D("-100.00"), D("260.00"))
    assert movements(april) == (D("260.00"), 0, D("10.00"), 0, 0, 0, D("270.00"))
    assert april["arr"] == D("3240.00")


def test_customer_counts_and_churn_rate(history):
    rows = run_report("mrr", JAN, APR).rows
    assert [row["customers"] for row in rows] == [3, 4, 3, 3]
    assert [row["new_customers"] for row in rows] == [1, 0, 0, 0]
    assert [row["reactivated_customers"] for row in rows] == [0, 1, 0, 0]
    assert [row["churned_customers"] for row in rows] == [0, 0, 1, 0]
    assert [row["churn_rate"] for row in rows] == [D("0.0"), D("0.0"), D("25.0"), D("0.0")]


def test_the_period_totals_chain_start_movements_and_end(history):
    totals = run_report("mrr", JAN, APR).totals
    assert movements(totals) == (
        D("200.00"),
        D("80.00"),
        D("50.00") + D("10.00"),
        D("60.00"),
        D("-30.00"),
        D("-100.00"),
        D("270.00"),
    )
    assert (totals["new_customers"], totals["churned_customers"], totals["customers"]) == (1, 1, 3)
    assert totals["churn_rate"] == D("50.0")  # 1 churned of the 2 paying at the start


def test_a_range_starting_later_opens_with_the_mrr_built_before(history):
    rows = run_report("mrr", date(2026, 3, 1), date(2026, 3, 31)).rows
    assert movements(rows[0]) == (D("390.00"), 0, 0, 0, D("-30.00"), D("-100.00"), D("260.00"))


def test_mrr_is_per_currency(history):
    rows = run_report("mrr", JAN, APR, currency="USD").rows
    assert movements(rows[0]) == (0, D("500.00"), 0, 0, 0, 0, D("500.00"))
    assert rows[-1]["ending_mrr"] == D("500.00") and rows[-1]["customers"] == 1


def test_no_services_means_an_empty_report(make_customer):
    make_customer("Lonely")
    assert run_report("mrr", JAN, APR).rows == []
