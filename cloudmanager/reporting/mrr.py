"""Monthly recurring revenue: MRR and ARR per month, its movements, and customer churn.

A service adds its MRR (its price normalised to a month, `Service.mrr`) from
the moment it is activated until it is cancelled or terminated; plan and
quantity changes move it by their `ServiceEvent.mrr_change`. Suspended
services still count: the contract runs, the money is only held back.

Movements are classified per customer, comparing its MRR at the start and the
end of each month: from nothing to something is *new* (first service ever) or
*reactivation* (had one before); more is *expansion*, less *contraction*,
nothing left is *churn*. Starting MRR + movements = ending MRR, month by month.
"""

from datetime import date, datetime, time, timedelta

from sqlalchemy import Integer, and_, case, func, literal_column, or_, select, union_all

from cloudmanager.core.money import ZERO
from cloudmanager.customers.models import Customer
from cloudmanager.orders.models import Service, ServiceEvent
from cloudmanager.reporting.charts import Series, bar_chart, line_chart
from cloudmanager.reporting.choices import CURRENCY_FILTER, DEFAULTS
from cloudmanager.reporting.framework import Column, Report, ReportParams, ReportResult
from cloudmanager.reporting.framework import register_report
from cloudmanager.reporting.revenue import currency_of
from cloudmanager.reporting.ranking import share
from cloudmanager.reporting.sql import (
    month_number,
    number_of,
    period_end,
    period_label,
    period_start,
    snapshot,
    zero,
)

MOVEMENTS = ("new", "expansion", "reactivation", "contraction", "churn")
COUNTS = ("new_customers", "reactivated_customers", "churned_customers")
OPENING = 0  # the month number standing for "everything before the first month"


def _contributions(currency: str):
    """(customer_id, at, amount, starts) of the customers billed in `currency`: + MRR at
    activation, ± at each change, − at the end.

    `starts` is 1 on activations, so a customer's first activation can be told
    from a later one (new versus reactivation) without another pass. The currency
    is kept as "not a customer of another currency" (an index finds those, usually
    none), applied to the services once rather than to every use of the history: a
    join with the customers per use cost a third of the report's time.
    """
    others = select(Customer.id).where(
        or_(Customer.currency < currency, Customer.currency > currency)
    )
    ours = Service.customer_id.not_in(others)
    changed = (
        select(ServiceEvent.service_id, func.sum(ServiceEvent.mrr_change).label("total"))
        .where(ServiceEvent.mrr_change.is_not(None))
        .group_by(ServiceEvent.service_id)
        .subquery()
    )
    none, one = literal_column("0", Integer), literal_column("1", Integer)
    # What the service started with: today's MRR minus every change since.
    starts = (
        select(
            Service.customer_id.label("customer_id"),
            Service.activated_at.label("at"),
            (Service.mrr - func.coalesce(changed.c.total, zero())).label("amount"),
            one.label("starts"),
        )
        .outerjoin(changed, changed.c.service_id == Service.id)
        .where(Service.activated_at.is_not(None), ours)
    )
    changes = (
        select(Service.customer_id, ServiceEvent.created_at, ServiceEvent.mrr_change, none)
        .join(Service, Service.id == ServiceEvent.service_id)
        .where(ServiceEvent.mrr_change.is_not(None), ours)
    )
    ends = select(Service.customer_id, Service.ended_at, zero() - Service.mrr, none).where(
        Service.activated_at.is_not(None), Service.ended_at.is_not(None), ours
    )
    return union_all(starts, changes, ends).cte("moves")


def _monthly_rows(first: int, last: int, currency: str, everyone: bool):
    """(moves, opening, rows): the MRR history of the currency's customers, each customer's
    MRR and activations before the first month (a CTE; for the customers that move in the
    period only unless `everyone`), and per (customer, month with a change) the MRR added, the MRR at the month's end and whether the
    customer had been activated before."""
    moves = _contributions(currency)
    before = datetime.combine(period_start(first), time())
    until = datetime.combine(period_end(last) + timedelta(days=1), time())
    in_period = and_(moves.c.at >= before, moves.c.at < until)
    opening = select(
        moves.c.customer_id,
        func.sum(moves.c.amount).label("mrr"),
        func.sum(moves.c.starts).label("starts"),
    ).where(moves.c.at < before)
    if not everyone:
        opening = opening.where(
            moves.c.customer_id.in_(select(moves.c.customer_id).where(in_period))
        )
    opening = opening.group_by(moves.c.customer_id).cte("opening")
    dated = (
        select(
            moves.c.customer_id,
            month_number(moves.c.at).label("month"),
            moves.c.amount,
            moves.c.starts,
        )
        .where(in_period)
        .subquery()
    )
    deltas = (
        select(
            dated.c.customer_id,
            dated.c.month,
            func.sum(dated.c.amount).label("delta"),
            func.sum(dated.c.starts).label("starts"),
        )
        .group_by(dated.c.customer_id, dated.c.month)
        .subquery()
    )
    window = {"partition_by": deltas.c.customer_id, "order_by": deltas.c.month}
    none = literal_column("0", Integer)
    rows = (
        select(
            deltas.c.month,
            deltas.c.delta,
            (func.coalesce(opening.c.mrr, zero()) + func.sum(deltas.c.delta).over(**window)).label(
                "closing"
            ),
            # (customer, month) is unique: the default frame ends at the row, so one window
            # (one sort) serves both running sums.
            (
                func.coalesce(opening.c.starts, none)
                + func.sum(deltas.c.starts).over(**window)
                - deltas.c.starts
            ).label("started_before"),
        )
        .outerjoin(opening, opening.c.customer_id == deltas.c.customer_id)
        .subquery()
    )
    return moves, opening, rows


def movement_sums(
    connection, first: int, last: int, currency: str, everyone: bool = True
) -> dict[int, dict]:
    """{month number: movements and customer counts}; OPENING holds the starting position
    (its customer count only when `everyone` is counted, which costs a pass per customer)."""
    moves, start, rows = _monthly_rows(first, last, currency, everyone)
    closing, month = rows.c.closing, rows.c.month
    opening = closing - rows.c.delta
    is_first = rows.c.started_before == 0
    cases = {
        "new": (and_(opening <= 0, closing > 0, is_first), closing),
        "reactivation": (and_(opening <= 0, closing > 0, ~is_first), closing),
        "expansion": (and_(opening > 0, closing > opening), closing - opening),
        "contraction": (and_(opening > 0, closing > 0, closing < opening), closing - opening),
        "churn": (and_(opening > 0, closing <= 0), zero() - opening),
    }
    columns = [
        func.sum(case((condition, amount), else_=zero())).label(key)
        for key, (condition, amount) in cases.items()
    ]
    for key, movement in zip(COUNTS, ("new", "reactivation", "churn")):
        columns.append(func.count(case((cases[movement][0], 1))).label(key))
    none = literal_column("0", Integer)
    movements = select(month, *columns, zero(), none).group_by(month)
    blanks = (literal_column(str(OPENING), Integer), *[zero() for _ in cases])
    blanks += tuple(none for _ in COUNTS)
    if everyone:
        paying = start.c.mrr > 0
        starting = select(
            *blanks,
            func.coalesce(func.sum(case((paying, start.c.mrr), else_=zero())), zero()),
            func.count(case((paying, 1))),
        )
    else:  # only the MRR: one sum over the history before the first month
        before = datetime.combine(period_start(first), time())
        starting = select(*blanks, func.coalesce(func.sum(moves.c.amount), zero()), none).where(
            moves.c.at < before
        )
    keys = ("month", *cases, *COUNTS, "opening_mrr", "opening_customers")
    found = connection.execute(union_all(movements, starting)).all()
    return {row[0]: dict(zip(keys, row)) for row in found}


def mrr_rows(
    connection, date_from: date, date_to: date, currency: str, count_customers: bool = True
) -> list[dict]:
    """One row per month from `date_from` to `date_to`, each starting where the last ended.

    Without `count_customers` the customer totals (and churn rate) are left out: the
    movements and MRR come cheaper then (the dashboard's case).
    """
    first, last = number_of(date_from), number_of(date_to)
    sums = movement_sums(connection, first, last, currency, everyone=count_customers)
    opening = sums.get(OPENING, {})
    mrr = opening.get("opening_mrr", ZERO)
    customers = opening.get("opening_customers", 0) if count_customers else None
    rows = []
    for number in range(first, last + 1):
        found = sums.get(number, {})
        row = {"month": period_label(number), "starting_mrr": mrr, "customers_start": customers}
        row.update({key: found.get(key, ZERO) for key in MOVEMENTS})
        row.update({key: found.get(key, 0) for key in COUNTS})
        mrr = mrr + sum((row[key] for key in MOVEMENTS), ZERO)
        if customers is not None:
            customers += row["new_customers"] + row["reactivated_customers"]
            customers -= row["churned_customers"]
        row.update(
            ending_mrr=mrr,
            arr=mrr * 12,
            customers=customers,
            churn_rate=share(row["churned_customers"], row["customers_start"] or 0),
        )
        rows.append(row)
    return rows


COLUMNS = [
    Column("month", "Month"),
    Column("starting_mrr", "Starting MRR", "money"),
    Column("new", "New", "money"),
    Column("expansion", "Expansion", "money"),
    Column("reactivation", "Reactivation", "money"),
    Column("contraction", "Contraction", "money"),
    Column("churn", "Churn", "money"),
    Column("ending_mrr", "Ending MRR", "money"),
    Column("arr", "ARR", "money"),
    Column("customers", "Customers", "int"),
    Column("new_customers", "New customers", "int"),
    Column("churned_customers", "Churned customers", "int"),
    Column("churn_rate", "Customer churn", "percent"),
]


def _totals(rows: list[dict]) -> dict:
    totals = {"month": "Period"}
    totals.update({key: sum((row[key] for row in rows), ZERO) for key in MOVEMENTS})
    totals.update({key: sum(row[key] for row in rows) for key in COUNTS})
    first, last = rows[0], rows[-1]
    totals.update(
        starting_mrr=first["starting_mrr"],
        ending_mrr=last["ending_mrr"],
        arr=last["arr"],
        customers=last["customers"],
        churn_rate=share(totals["churned_customers"], first["customers_start"]),
    )
    return totals


def compute_mrr(params: ReportParams) -> ReportResult:
    """MRR movements per month with a line of MRR and bars of the movements."""
    currency = currency_of(params)
    with snapshot() as connection:
        rows = mrr_rows(connection, params.date_from, params.date_to, currency)
    if not any(row["ending_mrr"] or row["starting_mrr"] for row in rows):
        rows = []
    labels = [row["month"] for row in rows]
    chart = line_chart(
        "MRR at the end of each month", labels, [Series("MRR", [r["ending_mrr"] for r in rows])]
    ) + bar_chart(
        "MRR movements per month",
        labels,
        [Series(key.capitalize(), [row[key] for row in rows]) for key in MOVEMENTS],
    )
    return ReportResult(
        columns=COLUMNS,
        rows=rows,
        totals=_totals(rows) if rows else None,
        chart=chart,
        notes=[
            f"Amounts in {currency}. MRR is each active or suspended service's price per "
            "month (an annual price divided by 12); ARR is 12 × MRR.",
            "Per customer and month: new = first MRR ever, reactivation = MRR again after "
            "none, expansion/contraction = more/less MRR, churn = none left. Customer churn = "
            "churned customers ÷ customers at the start of the month.",
        ],
    )


register_report(
    Report(
        key="mrr",
        title="MRR and churn",
        description="Monthly recurring revenue, its movements, ARR and customer churn.",
        permission="reports.finance",
        compute=compute_mrr,
        filters=(CURRENCY_FILTER,),
        defaults={"currency": DEFAULTS["currency"]},
    )
)
