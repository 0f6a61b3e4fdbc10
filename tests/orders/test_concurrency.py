"""On PostgreSQL: four billing runs at once over the same 1,000 services bill each once."""

import os
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from sqlalchemy import func, select

from cloudmanager.invoices.models import Invoice
from cloudmanager.orders.models import BillingRun, Service, ServiceBillingPeriod

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.skipif(
        not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
        reason="needs TEST_DATABASE_URL pointing at PostgreSQL",
    ),
]

SERVICES = 1000


def seed_active_services(db, customer, product, count: int) -> None:
    """`count` active monthly services anchored on 2026-01-31, first period billed (bulk)."""
    db.session.execute(
        Service.__table__.insert(),
        [
            {
                "customer_id": customer.id,
                "product_id": product.id,
                "name": product.name,
                "cycle": "monthly",
                "quantity": 1,
                "unit_price": product.prices[0].amount,
                "discount": 0,
                "status": "active",
                "period_anchor": date(2026, 1, 31),
                "periods_billed": 1,
                "next_due_date": date(2026, 2, 28),
                "cancel_at_period_end": False,
                "suspended_reason": "",
            }
            for _ in range(count)
        ],
    )
    db.session.commit()


def test_four_concurrent_runs_over_1000_services_create_exactly_1000_invoices(
    app, db, customer, server, jobs
):
    from cloudmanager.orders.billing import run_billing

    seed_active_services(db, customer, server, SERVICES)

    def one_run(_):
        with app.app_context():
            try:
                return run_billing(date(2026, 2, 20), trigger="test").id
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=4) as pool:
        run_ids = list(pool.map(one_run, range(4)))
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Invoice.id))) == SERVICES
    assert db.session.scalar(select(func.count(ServiceBillingPeriod.id))) == SERVICES
    runs = db.session.scalars(select(BillingRun).where(BillingRun.id.in_(run_ids))).all()
    assert sum(run.invoices_created for run in runs) == SERVICES
    assert sum(run.failed for run in runs) == 0
    due = db.session.scalars(select(Service.next_due_date).distinct()).all()
    assert due == [date(2026, 3, 31)]
