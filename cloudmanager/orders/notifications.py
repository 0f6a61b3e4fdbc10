"""Order and service emails through an outbox: one row per event key, sent once by a job.

`order_confirmation` and `service_suspended` use the staff-editable
templates of the settings (and obey their on/off switches);
`service_activated` uses `templates/email/service_activated.*`. Renewal
invoices are emailed by the invoices module when they are issued.
"""

from typing import Any

from cloudmanager.core.timeutil import utcnow
from cloudmanager.extensions import db
from cloudmanager.infra.queue import enqueue
from cloudmanager.invoices.numbering import dialect_insert
from cloudmanager.orders.models import ServiceNotification

EDITABLE = {"order_confirmation", "service_suspended"}


def queue_notification(
    event: str,
    customer_id: int,
    *,
    order_id: int | None = None,
    service_id: int | None = None,
    key: str | None = None,
) -> ServiceNotification | None:
    """Add an outbox row (None when the event is switched off or was already queued)."""
    from cloudmanager.settings.notifications import notification_enabled

    if event in EDITABLE and not notification_enabled(event):
        return None
    # ON CONFLICT DO NOTHING, not a savepoint: releasing a savepoint would dispatch the
    # jobs queued so far before the caller's transaction commits.
    stmt = (
        dialect_insert(ServiceNotification)
        .values(
            event_key=key or f"{event}:{order_id or service_id}",
            event=event,
            customer_id=customer_id,
            order_id=order_id,
            service_id=service_id,
            created_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["event_key"])
        .returning(ServiceNotification.id)
    )
    row_id = db.session.execute(stmt).scalar_one_or_none()
    if row_id is None:
        return None
    enqueue("cloudmanager.orders.jobs.send_service_notification", row_id)
    return db.session.get(ServiceNotification, row_id)


def _customer_context(customer: Any) -> dict[str, Any]:
    return {"name": customer.name, "company": customer.name, "email": customer.email}


def notification_context(row: ServiceNotification) -> dict[str, Any]:
    """Plain data for the templates of `row.event`."""
    from cloudmanager.customers.models import Customer
    from cloudmanager.orders.models import Order, Service

    customer = db.session.get(Customer, row.customer_id)
    context: dict[str, Any] = {"customer": _customer_context(customer)}
    if row.order_id:
        order = db.session.get(Order, row.order_id)
        context["order"] = {
            "number": order.number,
            "date": order.created_at.date(),
            "total": order.gross_total,
            "currency": order.currency,
            "lines": [
                {"description": ln.description, "quantity": ln.quantity, "amount": ln.unit_price}
                for ln in order.lines
            ],
        }
    if row.service_id:
        service = db.session.get(Service, row.service_id)
        context["service"] = {
            "name": f"{service.name} ({service.number})",
            "reason": "Invoice overdue" if service.suspended_reason == "overdue" else "",
            "next_due_date": service.next_due_date,
        }
        context["invoice"] = _overdue_invoice(service)
    return context


def _overdue_invoice(service: Any) -> dict[str, Any]:
    from cloudmanager.orders.billing import oldest_overdue_invoice

    invoice = oldest_overdue_invoice(service.id)
    if invoice is None:
        return {}
    from flask import current_app

    base = current_app.config["SERVER_BASE_URL"].rstrip("/")
    return {
        "url": f"{base}/portal/invoices/{invoice.id}",
        "number": invoice.number,
        "due_date": invoice.due_date,
        "total": invoice.gross_total,
        "balance": invoice.balance,
        "currency": invoice.currency,
    }
