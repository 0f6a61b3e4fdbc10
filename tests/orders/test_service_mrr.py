"""What the MRR report reads from services: their MRR, what each plan change moved, their end."""

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from cloudmanager.orders import lifecycle as lc
from cloudmanager.orders.models import ServiceEvent
from cloudmanager.orders.periods import monthly_amount


def test_monthly_amount_spreads_a_period_over_its_months():
    assert monthly_amount(Decimal("100.00"), "annual") == Decimal("8.33")
    assert monthly_amount(Decimal("28.50"), "quarterly") == Decimal("9.50")
    assert monthly_amount(Decimal("0.05"), "quarterly") == Decimal("0.02")  # 0.0166… half-up
    assert monthly_amount(Decimal("9.905"), "monthly") == Decimal("9.91")


def test_an_accepted_service_keeps_its_price_per_month(make_service, server):
    assert make_service(quantity=3).mrr == Decimal("30.00")
    assert make_service(cycle="annual").mrr == Decimal("8.33")  # 100.00 a year


def test_a_plan_change_records_the_mrr_it_moves(db, admin, make_service, make_product, jobs):
    from cloudmanager.orders.changes import change_service

    big = make_product(name="Cloud Server L", prices={"monthly": "40.00"})
    service = make_service(on=date(2026, 11, 1), quantity=2)
    change_service(
        service, {"product_id": str(big.id), "quantity": "1"}, by=admin, on=date(2026, 11, 21)
    )
    db.session.commit()
    assert service.mrr == Decimal("40.00")
    changed = db.session.scalar(select(ServiceEvent).where(ServiceEvent.kind == "changed"))
    assert changed.mrr_change == Decimal("20.00")  # 2 × 10.00 → 1 × 40.00
    others = db.session.scalars(
        select(ServiceEvent.mrr_change).where(ServiceEvent.kind != "changed")
    ).all()
    assert others and all(value is None for value in others)


def test_terminating_a_cancelled_service_keeps_the_day_it_ended(db, admin, make_service):
    service = make_service()
    lc.cancel_service(service, by=admin)
    db.session.commit()
    ended = service.ended_at
    lc.terminate_service(service, by=admin)
    db.session.commit()
    assert service.status == "terminated" and service.ended_at == ended


def _ledger(db):
    from cloudmanager.reporting.mrr_ledger import CustomerMrrMonth

    table = CustomerMrrMonth.__table__
    return db.session.execute(select(table).order_by(table.c.customer_id, table.c.month)).all()


def test_the_mrr_ledger_follows_every_change_as_a_rebuild_would(
    db, admin, make_service, make_product, jobs
):
    from cloudmanager.orders.changes import change_service
    from cloudmanager.reporting.mrr_ledger import rebuild

    big = make_product(name="Cloud Server L", prices={"monthly": "40.00"})
    kept, changed = make_service(quantity=2), make_service(on=date(2026, 11, 1))
    cancelled = make_service()
    change_service(changed, {"product_id": str(big.id)}, by=admin, on=date(2026, 11, 21))
    lc.cancel_service(cancelled, by=admin)
    db.session.commit()

    rows = _ledger(db)
    assert rows, "the services' flushes wrote the ledger"
    assert sum(row.delta for row in rows) == kept.mrr + changed.mrr == Decimal("60.00")
    assert rows[-1].closing == Decimal("60.00") and rows[0].started_before == 0
    rebuild(db.session.connection())
    assert _ledger(db) == rows


def test_the_mrr_ledger_moves_with_the_customers_currency(db, make_service):
    service = make_service()
    service.customer.currency = "USD"
    db.session.commit()
    assert {row.currency for row in _ledger(db)} == {"USD"}


def test_flask_rebuild_mrr_recomputes_the_ledger(app, db, make_service):
    from cloudmanager.reporting.mrr_ledger import CustomerMrrMonth

    make_service()
    before = _ledger(db)
    db.session.execute(CustomerMrrMonth.__table__.delete())
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["rebuild-mrr"])
    assert result.exit_code == 0 and "1 customer-months" in result.output
    assert _ledger(db) == before
