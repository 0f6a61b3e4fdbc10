"""Every state change of orders and services leaves an audit entry: who, what, before/after."""

from datetime import date

from sqlalchemy import select

from cloudmanager.auth.models import AuditEntry


def _entry(db, action):
    return db.session.scalar(select(AuditEntry).where(AuditEntry.action == action))


def test_accepting_an_order_is_audited(db, admin, make_order, server, jobs):
    from cloudmanager.orders.accept import accept_order

    order = make_order([{"product_id": str(server.id), "cycle": "monthly"}])
    accept_order(order, by=admin)
    db.session.commit()
    entry = _entry(db, "order.accepted")
    assert (entry.object_type, entry.object_id, entry.actor_id) == (
        "order",
        str(order.id),
        admin.id,
    )
    assert entry.before == {"status": "pending"}
    assert entry.after == {"status": "accepted", "invoice_id": order.invoice_id, "services": 1}


def test_cancelling_and_flagging_orders_are_audited_with_the_reason(db, admin, make_order, server):
    from cloudmanager.orders.orders import cancel_order, mark_fraud

    kept = make_order([{"product_id": str(server.id), "cycle": "monthly"}])
    flagged = make_order([{"product_id": str(server.id), "cycle": "monthly"}])
    cancel_order(kept, "Ordered twice", by=admin)
    mark_fraud(flagged, "Stolen card", by=admin)
    db.session.commit()
    cancelled, fraud = _entry(db, "order.cancelled"), _entry(db, "order.fraud")
    assert cancelled.object_id == str(kept.id) and cancelled.actor_id == admin.id
    assert cancelled.after == {"status": "cancelled", "reason": "Ordered twice"}
    assert fraud.object_id == str(flagged.id) and fraud.before == {"status": "pending"}
    assert fraud.after == {"status": "fraud", "reason": "Stolen card"}


def test_a_renewal_is_audited_with_its_period_and_invoice(db, make_service, jobs):
    from cloudmanager.orders.billing import run_billing
    from cloudmanager.orders.models import ServiceBillingPeriod

    service = make_service(on=date(2026, 1, 31))
    run_billing(date(2026, 2, 20))
    renewal = db.session.scalar(
        select(ServiceBillingPeriod).where(ServiceBillingPeriod.period_index == 1)
    )
    entry = _entry(db, "service.renewal_invoiced")
    assert entry.object_type == "service" and entry.object_id == str(service.id)
    assert entry.after == {
        "period_start": "2026-02-28",
        "period_end": "2026-03-30",
        "invoice_id": renewal.invoice_id,
    }
    assert _entry(db, "billing.run_finished") is not None


def test_a_plan_change_is_audited_before_and_after(db, admin, make_service, make_product, jobs):
    from cloudmanager.orders.changes import change_service

    big = make_product(name="Cloud Server L", prices={"monthly": "40.00"})
    service = make_service(on=date(2026, 11, 1))
    change_service(service, {"product_id": str(big.id)}, by=admin, on=date(2026, 11, 21))
    db.session.commit()
    entry = _entry(db, "service.changed")
    assert entry.object_id == str(service.id) and entry.actor_id == admin.id
    assert entry.before["product_id"] != big.id and entry.after["product_id"] == big.id
    assert (entry.after["credit"], entry.after["charge"]) == ("3.33", "13.33")
    assert entry.after["from"] == "2026-11-21"
