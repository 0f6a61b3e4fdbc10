"""Accepting an order: one transaction makes the invoice, the services and the stock moves.

The invoice holds the one-off items, the setup fees and the first period of
each recurring line; each recurring line becomes one pending service whose
first period is recorded as billed by that invoice. Services start when the
invoice is paid (see `hooks`), or at once when their product says so
(`Product.activate_on_order`) or nothing was to be paid.
"""

from datetime import date
from typing import Any

from cloudmanager.core.audit import audit
from cloudmanager.core.timeutil import utcnow
from cloudmanager.extensions import db
from cloudmanager.orders.models import ACCEPTED, PENDING, Order, Service, ServiceBillingPeriod
from cloudmanager.orders.orders import ensure_pending, lock_order
from cloudmanager.orders.pricing import invoice_rows, order_totals
from cloudmanager.orders.periods import monthly_amount, period


def _period_label(start: date, end: date) -> str:
    return f"{start:%d %b %Y} – {end:%d %b %Y}"


def _reserve(order: Order) -> None:
    from cloudmanager.products.stock import ensure_sellable, reserve_stock

    for line in order.lines:
        ensure_sellable(line.product)
        if line.product.stock is not None:
            reserve_stock(line.product, line.quantity)


def _new_service(order: Order, line: Any, on: date) -> tuple[Service, Any]:
    first = period(on, line.cycle, 0)
    service = Service(
        customer_id=order.customer_id,
        product_id=line.product_id,
        order_line_id=line.id,
        name=line.product.name,
        cycle=line.cycle,
        quantity=line.quantity,
        unit_price=line.unit_price,
        discount=line.discount,
        mrr=monthly_amount(line.unit_price * line.quantity - line.discount, line.cycle),
        tax_rate_id=line.tax_rate_id,
        status=PENDING,
        period_anchor=on,
        periods_billed=1,
        next_due_date=first.next_start,
    )
    return service, first


def _issue(order: Order, rows: list[dict], on: date, by: Any):
    from cloudmanager.invoices.drafts import create_draft
    from cloudmanager.invoices.issuing import issue_invoice

    if order_totals(order.customer, order.lines, on).gross <= 0:
        return None  # nothing to pay: no invoice, services start at once
    invoice = create_draft(order.customer, {"lines": rows, "notes": f"Order {order.number}"}, by=by)
    return issue_invoice(invoice, by=by, on=on)


def accept_order(order: Order, *, by: Any, on: date | None = None) -> Order:
    """Accept a pending order: invoice, services, stock, history, emails (all or nothing)."""
    from cloudmanager.orders.lifecycle import activate_service, record_event
    from cloudmanager.orders.notifications import queue_notification
    from cloudmanager.webhooks.services import emit_event

    order = lock_order(order.id)
    ensure_pending(order)
    on = on or utcnow().date()
    _reserve(order)
    rows: list[dict] = []
    planned = []
    for line in order.lines:
        if line.cycle:
            service, first = _new_service(order, line, on)
            planned.append((service, first, line.product))
            rows += invoice_rows(line, period_label=_period_label(first.start, first.end))
        else:
            rows += invoice_rows(line)
    invoice = _issue(order, rows, on, by)
    for service, first, _ in planned:
        service.first_invoice_id = invoice.id if invoice else None
        db.session.add(service)
        db.session.flush()
        db.session.add(
            ServiceBillingPeriod(
                service_id=service.id,
                period_index=0,
                period_start=first.start,
                period_end=first.end,
                invoice_id=invoice.id if invoice else None,
            )
        )
        record_event(
            service, "created", to_status=PENDING, note=f"From order {order.number}", by=by
        )
        audit("service.created", service, after={"order_id": order.id}, actor=by)
    order.status, order.decided_at = ACCEPTED, utcnow()
    order.invoice_id = invoice.id if invoice else None
    audit(
        "order.accepted",
        order,
        before={"status": PENDING},
        after={"status": ACCEPTED, "invoice_id": order.invoice_id, "services": len(planned)},
        summary=f"Order {order.number} accepted",
        actor=by,
    )
    emit_event(
        "order.accepted",
        {
            "id": order.id,
            "number": order.number,
            "customer_id": order.customer_id,
            "invoice_id": order.invoice_id,
            "service_ids": [service.id for service, _, _ in planned],
        },
    )
    queue_notification("order_confirmation", order.customer_id, order_id=order.id)
    for service, _, product in planned:
        if invoice is None or product.activate_on_order:
            activate_service(service, by=by, note="Activated on acceptance")
    return order
