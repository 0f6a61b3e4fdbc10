"""Orders and their lines, services with their history, and billing runs.

`ServiceBillingPeriod` is the heart of recurring billing: one row per
(service, period start), unique in the database, written in the same
transaction as the invoice that bills the period. Whatever runs at the same
time, a period can be invoiced only once; a second attempt fails on the key.
"""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cloudmanager.core.money import ZERO, Money
from cloudmanager.core.timeutil import utcnow
from cloudmanager.extensions import db

PENDING, ACCEPTED, CANCELLED, FRAUD = "pending", "accepted", "cancelled", "fraud"
ORDER_STATUSES = {
    PENDING: "Pending",
    ACCEPTED: "Accepted",
    CANCELLED: "Cancelled",
    FRAUD: "Fraud",
}
ORDER_BADGES = {
    PENDING: "text-bg-warning",
    ACCEPTED: "text-bg-success",
    CANCELLED: "text-bg-secondary",
    FRAUD: "text-bg-danger",
}

ACTIVE, SUSPENDED, TERMINATED = "active", "suspended", "terminated"
SERVICE_STATUSES = {
    PENDING: "Pending",
    ACTIVE: "Active",
    SUSPENDED: "Suspended",
    CANCELLED: "Cancelled",
    TERMINATED: "Terminated",
}
SERVICE_BADGES = {
    PENDING: "text-bg-warning",
    ACTIVE: "text-bg-success",
    SUSPENDED: "text-bg-danger",
    CANCELLED: "text-bg-secondary",
    TERMINATED: "text-bg-dark",
}


class Order(db.Model):
    """A customer's order: pending until staff accept, cancel or flag it as fraud."""

    __tablename__ = "orders"
    __audit_type__ = "order"
    __table_args__ = (
        Index("ix_orders_customer_id_id", "customer_id", "id"),
        Index("ix_orders_status_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="RESTRICT"))
    status: Mapped[str] = mapped_column(String(12), default=PENDING)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    notes: Mapped[str] = mapped_column(Text, default="")
    net_total: Mapped[Decimal] = mapped_column(Money(), default=ZERO)
    tax_total: Mapped[Decimal] = mapped_column(Money(), default=ZERO)
    gross_total: Mapped[Decimal] = mapped_column(Money(), default=ZERO)
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id", ondelete="RESTRICT"))
    status_reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]

    customer = relationship("Customer", lazy="joined", innerjoin=True)
    invoice = relationship("Invoice")
    lines: Mapped[list["OrderLine"]] = relationship(
        back_populates="order",
        cascade="all, delete-orphan",
        order_by="OrderLine.position",
        lazy="selectin",
    )

    @property
    def number(self) -> str:
        """The order number shown to staff and customers."""
        return f"ORD-{self.id:06d}"


class OrderLine(db.Model):
    """A product on an order: one-off, or recurring in a billing cycle."""

    __tablename__ = "order_lines"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="RESTRICT"), index=True
    )
    description: Mapped[str] = mapped_column(Text)
    cycle: Mapped[str | None] = mapped_column(String(16))  # None: one-off
    quantity: Mapped[int]
    unit_price: Mapped[Decimal] = mapped_column(Money(scale=4))
    price_overridden: Mapped[bool] = mapped_column(default=False)
    discount: Mapped[Decimal] = mapped_column(Money(), default=ZERO)
    setup_fee: Mapped[Decimal] = mapped_column(Money(scale=4), default=ZERO)
    tax_rate_id: Mapped[int | None]

    order: Mapped[Order] = relationship(back_populates="lines")
    product = relationship("Product", lazy="joined")


class Service(db.Model):
    """A recurring product a customer has: billed per period from its anchor date."""

    __tablename__ = "services"
    __audit_type__ = "service"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        Index("ix_services_status_next_due_date_id", "status", "next_due_date", "id"),
        Index("ix_services_customer_id_id", "customer_id", "id"),
        Index("ix_services_product_id_id", "product_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="RESTRICT"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="RESTRICT"))
    order_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("order_lines.id", ondelete="SET NULL")
    )
    name: Mapped[str] = mapped_column(String(200))
    cycle: Mapped[str] = mapped_column(String(16))
    quantity: Mapped[int] = mapped_column(default=1)
    unit_price: Mapped[Decimal] = mapped_column(Money(scale=4))
    discount: Mapped[Decimal] = mapped_column(Money(), default=ZERO)  # per period
    # Monthly recurring revenue at the current price: `periods.monthly_amount`, kept with it.
    mrr: Mapped[Decimal] = mapped_column(Money(), default=ZERO, server_default="0")
    tax_rate_id: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(12), default=PENDING)
    period_anchor: Mapped[date]
    periods_billed: Mapped[int] = mapped_column(default=0)
    next_due_date: Mapped[date]  # start of the first period not invoiced yet
    cancel_at_period_end: Mapped[bool] = mapped_column(default=False)
    first_invoice_id: Mapped[int | None] = mapped_column(
        ForeignKey("invoices.id", ondelete="SET NULL")
    )
    suspended_reason: Mapped[str] = mapped_column(String(20), default="")  # overdue, manual
    activated_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    customer = relationship("Customer", lazy="joined", innerjoin=True)
    product = relationship("Product", lazy="joined", innerjoin=True)
    events: Mapped[list["ServiceEvent"]] = relationship(
        back_populates="service", order_by="ServiceEvent.id.desc()", cascade="all"
    )

    @property
    def number(self) -> str:
        """The service reference shown to staff and customers."""
        return f"SRV-{self.id:06d}"


class ServiceEvent(db.Model):
    """One line of a service's history: a status change, a renewal, a plan change."""

    __tablename__ = "service_events"
    __table_args__ = (
        # The MRR report reads only the plan changes; this keeps them apart from renewals.
        Index(
            "ix_service_events_mrr_change",
            "service_id",
            postgresql_where=text("mrr_change IS NOT NULL"),
            sqlite_where=text("mrr_change IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(
        ForeignKey("services.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str] = mapped_column(String(12), default="")
    to_status: Mapped[str] = mapped_column(String(12), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id", ondelete="SET NULL"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # A plan or quantity change: new MRR − old MRR (None for events that move no money).
    mrr_change: Mapped[Decimal | None] = mapped_column(Money())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    service: Mapped[Service] = relationship(back_populates="events")
    actor = relationship("User", lazy="joined")


class ServiceBillingPeriod(db.Model):
    """The proof that a service's period was invoiced: unique per (service, period start)."""

    __tablename__ = "service_billing_periods"
    __table_args__ = (
        UniqueConstraint("service_id", "period_start", name="uq_service_billing_periods_period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="RESTRICT"))
    period_index: Mapped[int]
    period_start: Mapped[date]
    period_end: Mapped[date]
    invoice_id: Mapped[int | None] = mapped_column(
        ForeignKey("invoices.id", ondelete="RESTRICT"), index=True
    )
    billing_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("billing_runs.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class BillingRun(db.Model):
    """One billing run: when, for which date, and what it created, suspended or failed."""

    __tablename__ = "billing_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_date: Mapped[date]
    trigger: Mapped[str] = mapped_column(String(20), default="schedule")  # schedule, cli, staff
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    invoices_created: Mapped[int] = mapped_column(default=0)
    services_suspended: Mapped[int] = mapped_column(default=0)
    services_unsuspended: Mapped[int] = mapped_column(default=0)
    services_cancelled: Mapped[int] = mapped_column(default=0)
    failed: Mapped[int] = mapped_column(default=0)

    items: Mapped[list["BillingRunItem"]] = relationship(
        back_populates="run", order_by="BillingRunItem.id"
    )


class BillingRunItem(db.Model):
    """What a run did to one service: invoiced, suspended, unsuspended, cancelled or failed."""

    __tablename__ = "billing_run_items"
    __table_args__ = (Index("ix_billing_run_items_run_id_id", "run_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("billing_runs.id", ondelete="CASCADE"))
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))
    outcome: Mapped[str] = mapped_column(String(20))
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id", ondelete="SET NULL"))
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    run: Mapped[BillingRun] = relationship(back_populates="items")


class ServiceNotification(db.Model):
    """Outbox of order and service emails: one row per event key, sent at most once."""

    __tablename__ = "service_notifications"
    __table_args__ = (UniqueConstraint("event_key", name="uq_service_notifications_event_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_key: Mapped[str] = mapped_column(String(120))
    event: Mapped[str] = mapped_column(String(40))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
