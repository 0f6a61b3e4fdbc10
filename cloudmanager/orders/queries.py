"""Read-side of orders and services: filtered keyset pages, editor previews, renewal forecast."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from cloudmanager.core.errors import ValidationFailed
from cloudmanager.core.money import ZERO
from cloudmanager.core.pagination import Page, keyset_page
from cloudmanager.extensions import db
from cloudmanager.invoices.calculation import Totals, compute_totals
from cloudmanager.orders.models import (
    ACTIVE,
    ORDER_STATUSES,
    SERVICE_STATUSES,
    BillingRun,
    Order,
    OrderLine,
    Service,
)
from cloudmanager.orders.periods import period


def filtered_orders(
    *,
    status: str = "",
    customer_id: int | None = None,
    created_from: date | None = None,
    created_to: date | None = None,
) -> Select:
    """SELECT orders by status, customer and creation day (inclusive); unordered."""
    stmt = select(Order)
    if status in ORDER_STATUSES:
        stmt = stmt.where(Order.status == status)
    if customer_id:
        stmt = stmt.where(Order.customer_id == customer_id)
    if created_from:
        stmt = stmt.where(Order.created_at >= datetime.combine(created_from, time.min))
    if created_to and created_to < date.max:
        stmt = stmt.where(
            Order.created_at < datetime.combine(created_to + timedelta(days=1), time.min)
        )
    return stmt


def list_orders(*, status: str = "", customer_id: int | None = None, cursor=None, size=25) -> Page:
    """Orders, newest first, by status and customer."""
    stmt = filtered_orders(status=status, customer_id=customer_id)
    return keyset_page(stmt, [Order.id], cursor=cursor, size=size, descending=True)


def parse_due(value: Any) -> date | None:
    """A YYYY-MM-DD filter value, or None when blank or malformed."""
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        return None


def filtered_services(
    *,
    status: str = "",
    product_id: int | None = None,
    customer_id: int | None = None,
    due_before: date | None = None,
    order_id: int | None = None,
) -> Select:
    """SELECT services by status, product, customer, next due date and order; unordered."""
    stmt = select(Service).options(joinedload(Service.customer), joinedload(Service.product))
    if status in SERVICE_STATUSES:
        stmt = stmt.where(Service.status == status)
    if product_id:
        stmt = stmt.where(Service.product_id == product_id)
    if customer_id:
        stmt = stmt.where(Service.customer_id == customer_id)
    if due_before:
        stmt = stmt.where(Service.next_due_date <= due_before)
    if order_id:
        lines = select(OrderLine.id).where(OrderLine.order_id == order_id)
        stmt = stmt.where(Service.order_line_id.in_(lines))
    return stmt


def list_services(
    *,
    status: str = "",
    product_id: int | None = None,
    customer_id: int | None = None,
    due_before: date | None = None,
    cursor=None,
    size=25,
) -> Page:
    """Services by id (newest first), filtered by status, product, customer and next due date."""
    stmt = filtered_services(
        status=status, product_id=product_id, customer_id=customer_id, due_before=due_before
    )
    return keyset_page(stmt, [Service.id], cursor=cursor, size=size, descending=True)


def list_runs(*, cursor=None, size=20) -> Page:
    """Billing runs, newest first."""
    return keyset_page(
        select(BillingRun), [BillingRun.id], cursor=cursor, size=size, descending=True
    )


def preview_order(customer: Any, rows: list[dict[str, Any]], *, by: Any, on: date):
    """(totals, errors) of the editor's rows: lines with errors are left out of the totals."""
    from cloudmanager.orders.orders import parse_order_lines
    from cloudmanager.orders.pricing import order_totals

    if customer is None:
        return compute_totals([]), {"customer_id": "Choose a customer to see taxes."}
    lines, errors = [], {}
    for index, row in enumerate(rows):
        try:
            lines += parse_order_lines([row], by=by, currency=customer.currency)
        except ValidationFailed as exc:
            errors.update(
                {k.replace("lines-0-", f"lines-{index}-"): v for k, v in exc.errors.items()}
            )
    try:
        return order_totals(customer, lines, on), errors
    except ValueError as exc:
        return compute_totals([]), {"lines": str(exc)}


@dataclass(frozen=True)
class ForecastDay:
    """What the billing runs of one day will invoice."""

    day: date
    invoices: int
    net: Decimal


def renewal_forecast(on: date, days: int = 30, limit: int = 20000) -> list[ForecastDay]:
    """The renewal invoices the runs of the next `days` days will create, per run day."""
    from cloudmanager.orders.billing import horizon

    lead = (horizon(on) - on).days
    end = on + timedelta(days=days)
    rows = db.session.execute(
        select(
            Service.period_anchor,
            Service.cycle,
            Service.periods_billed,
            Service.next_due_date,
            Service.unit_price,
            Service.quantity,
            Service.discount,
        )
        .where(
            Service.status == ACTIVE,
            Service.cancel_at_period_end.is_(False),
            Service.next_due_date <= end + timedelta(days=lead),
        )
        .limit(limit)
    ).all()
    per_day: dict[date, list[Decimal]] = {}
    for anchor, cycle, billed, due, price, quantity, discount in rows:
        index = billed
        while True:
            start = period(anchor, cycle, index).start
            run_day = max(start - timedelta(days=lead), on)
            if run_day > end:
                break
            per_day.setdefault(run_day, []).append(price * quantity - discount)
            index += 1
    return [
        ForecastDay(day, len(amounts), sum(amounts, ZERO))
        for day, amounts in sorted(per_day.items())
    ]


def preview_totals_empty() -> Totals:
    """Totals of no lines (the editor's first render)."""
    return compute_totals([])
