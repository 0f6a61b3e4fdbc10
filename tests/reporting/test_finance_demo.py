"""The demo data gives the finance reports a year to show, every kind of MRR movement, once."""

from decimal import Decimal

from sqlalchemy import func, select

from cloudmanager.reporting.params import default_period
from tests.fixtures.finance import run_report


def test_the_demo_has_a_year_of_revenue_and_every_mrr_movement(app, db, no_jobs):
    from cloudmanager.demo import seed
    from cloudmanager.orders.models import Service

    seed()
    db.session.commit()
    start, end = default_period()
    revenue = run_report("revenue", start, end).rows
    assert len(revenue) == 12
    assert sum(1 for row in revenue if row["invoiced"] > 0) >= 11
    assert sum(1 for row in revenue if row["collected"] > 0) >= 10
    assert any(row["credited"] > 0 for row in revenue)
    mrr = run_report("mrr", start, end).totals
    for movement in ("new", "expansion", "reactivation"):
        assert mrr[movement] > 0, movement
    for movement in ("contraction", "churn"):
        assert mrr[movement] < 0, movement
    aging = run_report("receivables", end, end).totals
    assert aging["days_31_60"] > 0 and aging["outstanding"] > aging["current"]
    taxes = {row["tax"] for row in run_report("tax", start, end).rows}
    assert {"DE VAT 19%", "Reverse charge"} <= taxes
    services = db.session.scalar(select(func.count(Service.id)))
    assert "history: already present" in seed()
    assert db.session.scalar(select(func.count(Service.id))) == services
    assert mrr["ending_mrr"] > Decimal("0")
