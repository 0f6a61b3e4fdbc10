"""API schemas of orders and services."""

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import Field

from cloudmanager.api.listing import sort_param, sort_type
from cloudmanager.api.schemas import (
    ApiModel,
    BodyModel,
    Day,
    Id,
    ListQuery,
    Money,
    Timestamp,
    UnitPrice,
    text,
)
from cloudmanager.orders.models import ORDER_STATUSES, SERVICE_STATUSES
from cloudmanager.orders.orders import MAX_LINES, MAX_QUANTITY
from cloudmanager.products.models import BILLING_CYCLES

Cycle = Literal[tuple(BILLING_CYCLES)]
OrderStatus = Literal[tuple(ORDER_STATUSES)]
ServiceStatus = Literal[tuple(SERVICE_STATUSES)]
Reason = text(2000)


OrderSort = sort_type(("created",))
ServiceSort = sort_type(("created", "next_due_date"))


class OrderLineOut(ApiModel):
    """A product on an order: one-off (`cycle` null) or recurring."""

    id: int
    position: int
    product_id: int
    description: str
    cycle: str | None
    quantity: int
    unit_price: Decimal
    price_overridden: bool
    discount: Decimal
    setup_fee: Decimal


class OrderOut(ApiModel):
    """An order: pending until accepted (invoice and services made), cancelled or fraud."""

    id: int
    number: str
    customer_id: int
    status: OrderStatus
    currency: str
    notes: str
    net_total: Decimal
    tax_total: Decimal
    gross_total: Decimal
    invoice_id: int | None
    status_reason: str
    lines: list[OrderLineOut]
    created_at: Timestamp
    decided_at: Timestamp | None

    @classmethod
    def of(cls, order) -> "OrderOut":
        """Build from an Order row."""
        return cls.model_validate(order)


class OrderLineIn(BodyModel):
    """A product to order; `unit_price` overrides the catalog price (managers and admins)."""

    product_id: Id
    cycle: Cycle | None = Field(None, description="Default: the product's first offered cycle")
    quantity: int = Field(1, ge=1, le=MAX_QUANTITY)
    unit_price: UnitPrice | None = None
    discount: Money | None = None


class OrderIn(BodyModel):
    """A new pending order."""

    customer_id: Id
    lines: list[OrderLineIn] = Field(min_length=1, max_length=MAX_LINES)
    notes: text(5000) = ""


class OrderPatch(BodyModel):
    """New lines and/or notes of a pending order (lines replace all lines)."""

    lines: list[OrderLineIn] | None = Field(None, min_length=1, max_length=MAX_LINES)
    notes: text(5000) | None = None


class ReasonIn(BodyModel):
    """Why (shown in the order's history)."""

    reason: Reason = ""


class FraudIn(BodyModel):
    """Why the order is fraudulent (required)."""

    reason: text(2000, min_length=1)


class OrderQuery(ListQuery):
    """Filters of the order list."""

    status: OrderStatus | None = None
    customer_id: Id | None = None
    created_from: Day | None = Field(None, description="Created on or after this day")
    created_to: Day | None = Field(None, description="Created on or before this day")
    sort: OrderSort = sort_param("-created")


class ServiceOut(ApiModel):
    """A recurring service of a customer, billed per period from its anchor date."""

    id: int
    number: str
    customer_id: int
    product_id: int
    name: str
    cycle: str
    quantity: int
    unit_price: Decimal
    discount: Decimal
    status: ServiceStatus
    period_anchor: date
    periods_billed: int
    next_due_date: date
    cancel_at_period_end: bool
    suspended_reason: str
    first_invoice_id: int | None
    activated_at: Timestamp | None
    ended_at: Timestamp | None
    created_at: Timestamp

    @classmethod
    def of(cls, service) -> "ServiceOut":
        """Build from a Service row."""
        return cls.model_validate(service)


class ServiceQuery(ListQuery):
    """Filters of the service list."""

    status: ServiceStatus | None = None
    customer_id: Id | None = None
    product_id: Id | None = None
    due_before: Day | None = Field(None, description="Next due date on or before this day")
    order_id: Id | None = Field(None, description="Made by this (accepted) order")
    sort: ServiceSort = sort_param("-created")


class SuspendIn(BodyModel):
    """Why the service is suspended (required, shown to staff)."""

    note: text(2000, min_length=1)


class NoteIn(BodyModel):
    """An optional note for the service's history."""

    note: Reason = ""


class CancelIn(BodyModel):
    """Cancel now, or at the end of the paid period."""

    at_period_end: bool = False
    note: Reason = ""
