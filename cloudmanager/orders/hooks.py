"""What happens to services when an invoice is paid: first invoice → activate, overdue → resume."""

from typing import Any

from sqlalchemy import select

from cloudmanager.extensions import db
from cloudmanager.orders.models import PENDING, SUSPENDED, Service, ServiceBillingPeriod


def on_invoice_paid(invoice: Any, *, by: Any = None) -> None:
    """Called by the invoices module in the payment's transaction once the balance is zero."""
    from cloudmanager.orders.lifecycle import activate_service
    from cloudmanager.orders.suspensions import resume_if_paid

    pending = db.session.scalars(
        select(Service).where(Service.first_invoice_id == invoice.id, Service.status == PENDING)
    ).all()
    for service in pending:
        activate_service(service, by=by, note=f"Invoice {invoice.number} paid")
    suspended = db.session.scalars(
        select(Service.id)
        .join(ServiceBillingPeriod, ServiceBillingPeriod.service_id == Service.id)
        .where(ServiceBillingPeriod.invoice_id == invoice.id, Service.status == SUSPENDED)
    ).all()
    for service_id in suspended:
        resume_if_paid(service_id, _today(), by=by)


def _today():
    from cloudmanager.core.timeutil import utcnow

    return utcnow().date()


def customer_order_count(customer: Any) -> str | None:
    """ "2 orders" when the customer has orders (so it is deactivated, not deleted)."""
    from sqlalchemy import func

    from cloudmanager.orders.models import Order

    count = db.session.scalar(select(func.count(Order.id)).where(Order.customer_id == customer.id))
    return f"{count} order{'s' if count != 1 else ''}" if count else None
