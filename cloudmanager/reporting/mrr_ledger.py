"""The MRR ledger: each customer's MRR at the end of every month in which it moved.

The MRR report reads this table instead of replaying every service's history on
each request. A row per (customer, month with a change) holds the month's net
change, the MRR at the month's end and how many activations came before the
month (to tell a new customer from a reactivated one). The table is derived
data: after every flush that touches a service's MRR, activation or end, a plan
change, or a customer's currency, the touched customers' rows are rebuilt from
their services in the same transaction, so the ledger can never disagree with
what was committed. `rebuild()` recomputes everyone (migration, bulk loads,
`flask reports rebuild-mrr`).

A service adds its MRR (`Service.mrr`, its price per month) from its activation
until it is cancelled or terminated; plan and quantity changes move it by
their `ServiceEvent.mrr_change`.
"""

from collections.abc import Iterable
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Integer, String, delete, event, func, insert
from sqlalchemy import literal_column, select, union_all
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, Session, mapped_column

from cloudmanager.core.money import Money
from cloudmanager.customers.models import Customer
from cloudmanager.extensions import db
from cloudmanager.orders.models import Service, ServiceEvent
from cloudmanager.reporting.sql import month_number, zero

# A service's MRR moves when one of these changes.
SERVICE_FIELDS = ("mrr", "activated_at", "ended_at", "customer_id")
EVENT_FIELDS = ("mrr_change", "created_at", "service_id")


class CustomerMrrMonth(db.Model):
    """A customer's MRR change in one month and its MRR at the month's end."""

    __tablename__ = "customer_mrr_months"
    __table_args__ = (Index("ix_customer_mrr_months_currency_month", "currency", "month"),)

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True
    )
    # year × 12 + month − 1 (reporting.sql.month_number)
    month: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    currency: Mapped[str] = mapped_column(String(3))
    delta: Mapped[Decimal] = mapped_column(Money())
    closing: Mapped[Decimal] = mapped_column(Money())
    started_before: Mapped[int] = mapped_column(Integer)


def _moves(customer_ids: list[int] | None):
    """(customer_id, at, amount, starts): + MRR at activation, ± each change, − at the end.

    `starts` is 1 on activations, so a customer's first activation can be told
    from a later one. The opening amount is today's MRR minus every change since.
    """
    changed = (
        select(ServiceEvent.service_id, func.sum(ServiceEvent.mrr_change).label("total"))
        .where(ServiceEvent.mrr_change.is_not(None))
        .group_by(ServiceEvent.service_id)
    )
    scope = [] if customer_ids is None else [Service.customer_id.in_(customer_ids)]
    if customer_ids is not None:
        changed = changed.join(Service, Service.id == ServiceEvent.service_id).where(*scope)
    changed = changed.subquery()
    none, one = literal_column("0", Integer), literal_column("1", Integer)
    starts = (
        select(
            Service.customer_id.label("customer_id"),
            Service.activated_at.label("at"),
            (Service.mrr - func.coalesce(changed.c.total, zero())).label("amount"),
            one.label("starts"),
        )
        .outerjoin(changed, changed.c.service_id == Service.id)
        .where(Service.activated_at.is_not(None), *scope)
    )
    changes = (
        select(Service.customer_id, ServiceEvent.created_at, ServiceEvent.mrr_change, none)
        .join(Service, Service.id == ServiceEvent.service_id)
        .where(ServiceEvent.mrr_change.is_not(None), Service.activated_at.is_not(None), *scope)
    )
    ends = select(Service.customer_id, Service.ended_at, zero() - Service.mrr, none).where(
        Service.activated_at.is_not(None), Service.ended_at.is_not(None), *scope
    )
    return union_all(starts, changes, ends).subquery("moves")


def ledger_rows(customer_ids: list[int] | None = None):
    """SELECT the ledger's rows of `customer_ids` (everyone when None), in its column order."""
    moves = _moves(customer_ids)
    deltas = (
        select(
            moves.c.customer_id,
            month_number(moves.c.at).label("month"),
            func.sum(moves.c.amount).label("delta"),
            func.sum(moves.c.starts).label("starts"),
        )
        .group_by(moves.c.customer_id, month_number(moves.c.at))
        .subquery("deltas")
    )
    # (customer, month) is unique: the default frame ends at the row, so one window (one
    # sort) serves both running sums.
    window = {"partition_by": deltas.c.customer_id, "order_by": deltas.c.month}
    return select(
        deltas.c.customer_id,
        deltas.c.month,
        Customer.currency,
        deltas.c.delta,
        func.sum(deltas.c.delta).over(**window).label("closing"),
        (func.sum(deltas.c.starts).over(**window) - deltas.c.starts).label("started_before"),
    ).join(Customer, Customer.id == deltas.c.customer_id)


def refresh(connection: Connection, customer_ids: Iterable[int]) -> None:
    """Rebuild the ledger rows of these customers from their services."""
    ids = sorted(set(customer_ids))
    for start in range(0, len(ids), 500):  # bounded IN lists
        chunk = ids[start : start + 500]
        table = CustomerMrrMonth.__table__
        connection.execute(delete(table).where(table.c.customer_id.in_(chunk)))
        connection.execute(insert(table).from_select(list(table.c.keys()), ledger_rows(chunk)))


def rebuild(connection: Connection) -> int:
    """Recompute the whole ledger; returns its number of rows."""
    table = CustomerMrrMonth.__table__
    connection.execute(delete(table))
    connection.execute(insert(table).from_select(list(table.c.keys()), ledger_rows()))
    return connection.execute(select(func.count()).select_from(table)).scalar_one()


def _changed(obj, fields: tuple[str, ...]) -> bool:
    state = db.inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in fields)


def touched_customers(session: Session) -> set[int]:
    """The customers whose MRR history the flush in progress changes."""
    customers: set[int] = set()
    service_ids: set[int] = set()
    dirty = session.dirty  # computed on each access: once per flush, not per object
    for obj in (*session.new, *dirty, *session.deleted):
        if isinstance(obj, Service):
            if obj in dirty and not _changed(obj, SERVICE_FIELDS):
                continue
            history = db.inspect(obj).attrs["customer_id"].history
            customers.update(i for i in (*history.added, *history.deleted) if i is not None)
            if obj.customer_id is not None:
                customers.add(obj.customer_id)
        elif isinstance(obj, ServiceEvent):
            if obj in dirty and not _changed(obj, EVENT_FIELDS):
                continue
            if obj.mrr_change is not None or obj in dirty:
                service_ids.add(obj.service_id)
        elif isinstance(obj, Customer) and obj in dirty:
            if _changed(obj, ("currency",)):
                customers.add(obj.id)
    if service_ids:
        found = session.connection().execute(
            select(Service.customer_id).where(Service.id.in_(service_ids))
        )
        customers.update(found.scalars())
    return customers


@event.listens_for(Session, "after_flush")
def _refresh_touched_customers(session: Session, flush_context) -> None:
    """Rebuild the rows of the customers this flush touched, in the same transaction.

    After the flush the keys of new rows are known, while the session still lists
    what was new, changed or deleted, with each attribute's history.
    """
    touched = touched_customers(session)
    if touched:
        refresh(session.connection(), touched)
