"""The billing run's status passes: end cancelled services, suspend overdue, resume paid.

Each pass selects service ids in one query, then changes each service in its
own transaction through the lifecycle functions (locks, history, audit,
webhooks and emails included). The payment hook calls the same functions
so a service resumes the moment its invoice is paid.
"""

from datetime import date
from typing import Any

from sqlalchemy import select

from cloudmanager.extensions import db
from cloudmanager.orders.billing import each_service, overdue_clause, record_item
from cloudmanager.orders.lifecycle import (
    activate_service,
    cancel_service,
    lock_service,
    suspend_service,
    unsuspend_service,
)
from cloudmanager.orders.models import ACTIVE, PENDING, SUSPENDED, Service


def _grace() -> int:
    from cloudmanager.settings.services import get_setting

    return int(get_setting("invoicing.suspend_after_days"))


def cancel_ended(run: Any, on: date) -> int:
    """Cancel services set to end whose paid period is over."""
    ids = db.session.scalars(
        select(Service.id)
        .where(
            Service.status.in_([ACTIVE, SUSPENDED]),
            Service.cancel_at_period_end.is_(True),
            Service.next_due_date <= on,
        )
        .order_by(Service.id)
    ).all()

    def step(service_id: int) -> int:
        service = lock_service(service_id)
        if not service.cancel_at_period_end or service.status not in (ACTIVE, SUSPENDED):
            return 0
        cancel_service(service, note="The paid period ended")
        record_item(run, service_id, "cancelled")
        return 1

    return each_service(run, list(ids), step)


def suspend_overdue(run: Any, on: date) -> int:
    """Suspend active services with an invoice overdue by more than the grace days."""
    grace = _grace()
    ids = db.session.scalars(
        select(Service.id)
        .where(Service.status == ACTIVE, overdue_clause(on, grace))
        .order_by(Service.id)
    ).all()

    def step(service_id: int) -> int:
        service = lock_service(service_id)
        if service.status != ACTIVE:
            return 0
        suspend_service(service, reason="overdue", note="Invoice overdue")
        record_item(run, service_id, "suspended")
        return 1

    return each_service(run, list(ids), step)


def unsuspend_paid(run: Any, on: date) -> int:
    """Resume services suspended for non-payment once nothing is overdue any more."""
    grace = _grace()
    ids = db.session.scalars(
        select(Service.id)
        .where(
            Service.status == SUSPENDED,
            Service.suspended_reason == "overdue",
            ~overdue_clause(on, grace),
        )
        .order_by(Service.id)
    ).all()

    def step(service_id: int) -> int:
        if resume_if_paid(service_id, on) is None:
            return 0
        record_item(run, service_id, "unsuspended")
        return 1

    return each_service(run, list(ids), step)


def activate_paid(run: Any) -> int:
    """Activate pending services whose first invoice is paid (a missed hook is caught here)."""
    from cloudmanager.invoices.models import Invoice

    ids = db.session.scalars(
        select(Service.id)
        .join(Invoice, Invoice.id == Service.first_invoice_id)
        .where(Service.status == PENDING, Invoice.balance <= 0, Invoice.state == "issued")
        .order_by(Service.id)
    ).all()

    def step(service_id: int) -> int:
        service = lock_service(service_id)
        if service.status != PENDING:
            return 0
        activate_service(service, note="First invoice paid")
        record_item(run, service_id, "activated")
        return 1

    return each_service(run, list(ids), step)


def resume_if_paid(service_id: int, on: date, *, by: Any = None):
    """Unsuspend a service suspended for non-payment when nothing is overdue; else None."""
    service = lock_service(service_id)
    if service.status != SUSPENDED or service.suspended_reason != "overdue":
        return None
    still_overdue = db.session.scalar(
        select(Service.id).where(Service.id == service_id, overdue_clause(on, _grace()))
    )
    if still_overdue is not None:
        return None
    return unsuspend_service(service, by=by, note="Overdue invoices paid")
