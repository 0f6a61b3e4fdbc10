"""Service lifecycle: every transition, and its refusal from a wrong state."""

from datetime import date

import pytest
from sqlalchemy import select

from cloudmanager.core.errors import Conflict, ValidationFailed
from cloudmanager.orders import lifecycle as lc
from cloudmanager.orders.models import ServiceEvent


def _pending_service(db, admin, make_order, server):
    from cloudmanager.orders.accept import accept_order
    from cloudmanager.orders.models import Service

    order = make_order([{"product_id": str(server.id), "cycle": "monthly"}])
    accept_order(order, by=admin, on=date(2026, 3, 1))
    db.session.commit()
    return db.session.scalar(select(Service))


def test_pending_service_activates_once(db, admin, make_order, server, jobs):
    service = _pending_service(db, admin, make_order, server)
    lc.activate_service(service, by=admin)
    db.session.commit()
    assert service.status == "active" and service.activated_at is not None
    with pytest.raises(Conflict):
        lc.activate_service(service, by=admin)


def test_pending_service_cannot_be_suspended_or_resumed(db, admin, make_order, server):
    service = _pending_service(db, admin, make_order, server)
    with pytest.raises(Conflict):
        lc.suspend_service(service, by=admin, note="x")
    with pytest.raises(Conflict):
        lc.unsuspend_service(service, by=admin)


def test_manual_suspension_needs_a_note(db, admin, make_service):
    service = make_service()
    with pytest.raises(ValidationFailed):
        lc.suspend_service(service, by=admin)


def test_suspend_then_unsuspend_records_history_and_emails(db, admin, make_service, jobs):
    service = make_service()
    lc.suspend_service(service, by=admin, note="Abuse report")
    db.session.commit()
    assert service.status == "suspended"
    with pytest.raises(Conflict):
        lc.suspend_service(service, by=admin, note="again")
    lc.unsuspend_service(service, by=admin)
    db.session.commit()
    assert service.status == "active"
    kinds = db.session.scalars(
        select(ServiceEvent.kind).where(ServiceEvent.service_id == service.id)
    ).all()
    assert kinds == ["created", "activate", "suspend", "unsuspend"]
    sent = [args for path, args in jobs if path.endswith("send_service_notification")]
    assert len(sent) == 3  # order confirmation, activated, suspended


def test_cancel_immediately_then_only_terminate_is_allowed(db, admin, make_service):
    service = make_service()
    lc.cancel_service(service, by=admin)
    db.session.commit()
    assert service.status == "cancelled" and service.ended_at is not None
    for action in (lc.activate_service, lc.unsuspend_service, lc.cancel_service):
        with pytest.raises(Conflict):
            action(service, by=admin)
    lc.terminate_service(service, by=admin)
    db.session.commit()
    assert service.status == "terminated"
    with pytest.raises(Conflict):
        lc.terminate_service(service, by=admin)


def test_cancel_at_period_end_keeps_the_service_until_the_billing_run(db, admin, make_service):
    from cloudmanager.orders.billing import run_billing

    service = make_service(on=date(2026, 1, 31))
    lc.cancel_service(service, by=admin, at_period_end=True)
    db.session.commit()
    with pytest.raises(Conflict):
        lc.cancel_service(service, by=admin, at_period_end=True)
    run_billing(date(2026, 2, 20))  # renewal window reached, but the service is ending
    assert service.status == "active" and service.periods_billed == 1
    run = run_billing(date(2026, 2, 28))
    db.session.refresh(service)
    assert service.status == "cancelled" and run.services_cancelled == 1
    assert run.invoices_created == 0


def test_a_cancel_request_can_be_withdrawn(db, admin, make_service):
    service = make_service()
    lc.cancel_service(service, by=admin, at_period_end=True)
    lc.undo_cancel_request(service, by=admin)
    db.session.commit()
    assert not service.cancel_at_period_end
    with pytest.raises(Conflict):
        lc.undo_cancel_request(service, by=admin)


def test_transitions_are_audited(db, admin, make_service):
    from cloudmanager.auth.models import AuditEntry

    service = make_service()
    lc.suspend_service(service, by=admin, note="Abuse")
    db.session.commit()
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.object_type == "service")
    ).all()
    assert {"service.created", "service.activated", "service.suspended"} <= set(actions)
