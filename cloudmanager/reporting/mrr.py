"""Monthly recurring revenue: MRR and ARR per month, its movements, and customer churn.

A service adds its MRR (its price normalised to a month, `Service.mrr`) from
the moment it is activated until it is cancelled or terminated; plan and
quantity changes move it by their `ServiceEvent.mrr_change`. Suspended
services still count: the contract runs, the money is only held back.

Movements are classified per customer, comparing its MRR at the start and the
end of each month: from nothing to something is *new* (first service ever) or
*reactivation* (had one before); more is *expansion*, less *contraction*,
nothing left is *churn*. Starting MRR + movements = ending MRR, month by month.
Each customer's MRR per month comes from the MRR ledger (`mrr_ledger`), which
the services' changes keep up to date.
"""

from datetime import date

from sqlalchemy import Integer, and_, case, func, literal_column, select, union_all

from cloudmanager.core.money import ZERO
from cloudmanager.reporting.charts import Series, bar_chart, line_chart
from cloudmanager.reporting.choices import CURRENCY_FILTER, DEFAULTS
from cloudmanager.reporting.framework import Column, Report, ReportParams, ReportResult
from cloudmanager.reporting.framework import register_report
from cloudmanager.reporting.mrr_ledger import CustomerMrrMonth
from cloudmanager.reporting.revenue import currency_of
from cloudmanager.reporting.ranking import share
from cloudmanager.reporting.sql import number_of, period_label, snapshot, zero

MOVEMENTS = ("new", "expansion", "reactivation", "contraction", "churn")
COUNTS = ("new_customers", "reactivated_customers", "churned_customers")
OPENING = 0  # the month number standing for "everything before the first month"


def movement_sums(connection, first: int, last: int, currency: str) -> dict[int, dict]:
    """{month number: movements and customer counts}; OPENING holds the starting position.

    Read from the MRR ledger: its rows in the period are classified per customer
    and month, its rows before the period add up to the opening MRR and the
    number of paying customers (+1 for each start from nothing, −1 for each churn).
    """
    ledger = CustomerMrrMonth.__table__
    ours = ledger.c.currency == currency
    closing, month = ledger.c.closing, ledger.c.month
    opening = closing - ledger.c.delta
    is_first = ledger.c.started_before == 0
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
    movements = (
        select(month, *columns, zero(), none)
        .where(ours, month.between(first, last))
        .group_by(month)
    )
    blanks = (literal_column(str(OPENING), Integer), *[zero() for _ in cases])
    blanks += tuple(none for _ in COUNTS)
    starts, stops = and_(opening <= 0, closing > 0), and_(opening > 0, closing <= 0)
    starting = select(
        *blanks,
        func.coalesce(func.sum(ledger.c.delta), zero()),
        func.coalesce(func.sum(case((starts, 1), (stops, -1), else_=0)), none),
    ).where(ours, month < first)
    keys = ("month", *cases, *COUNTS, "opening_mrr", "opening_customers")
    found = connection.execute(union_all(movements, starting)).all()
    return {row[0]: dict(zip(keys, row)) for row in found}


def mrr_rows(connection, date_from: date, date_to: date, currency: str) -> list[dict]:
    """One row per month from `date_from` to `date_to`, each starting where the last ended."""
    first, last = number_of(date_from), number_of(date_to)
    sums = movement_sums(connection, first, last, currency)
    opening = sums.get(OPENING, {})
    mrr = opening.get("opening_mrr", ZERO)
    customers = opening.get("opening_customers", 0)
    rows = []
    for number in range(first, last + 1):
        found = sums.get(number, {})
        row = {"month": period_label(number), "starting_mrr": mrr, "customers_start": customers}
        row.update({key: found.get(key, ZERO) for key in MOVEMENTS})
        row.update({key: found.get(key, 0) for key in COUNTS})
        mrr = mrr + sum((row[key] for key in MOVEMENTS), ZERO)
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
