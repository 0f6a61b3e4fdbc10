"""Receivables aging as of a day: what each customer owed then, by how long it was overdue.

An invoice's balance is the invoices module's (`Invoice.balance`: gross −
payments − credit notes applied). As of an earlier day, the payments received
and the credit notes issued after it are added back, invoices issued after it
are left out, and an invoice voided after it still counts (it was owed then).
As of today this is exactly the open balance of every issued invoice.

Only invoices that could be open on the day are read: open ones today that
nothing touched since (a partial index), and those that payments, credit notes
or a void after the day touched.
"""

from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, case, func, or_, select, true, union, union_all
from sqlalchemy.orm import aliased

from cloudmanager.core.money import ZERO
from cloudmanager.extensions import db
from cloudmanager.invoices.credit_models import CreditNote
from cloudmanager.invoices.models import ISSUED, VOID, Invoice, Payment
from cloudmanager.reporting.charts import Series, bar_chart
from cloudmanager.reporting.choices import CURRENCY_FILTER, DEFAULTS, TOP_FILTER
from cloudmanager.reporting.framework import Column, Report, ReportParams, ReportResult
from cloudmanager.reporting.framework import register_report
from cloudmanager.reporting.revenue import currency_of
from cloudmanager.reporting.ranking import fold_rest, others_label, ranked
from cloudmanager.reporting.sql import prefer_sorted_grouping, snapshot, zero

BUCKETS = (
    ("current", "Not yet due"),
    ("days_1_30", "1–30 days"),
    ("days_31_60", "31–60 days"),
    ("days_61_90", "61–90 days"),
    ("days_over_90", "Over 90 days"),
)
AMOUNTS = tuple(key for key, _ in BUCKETS) + ("outstanding",)


def owed_on(day: date, currency: str):
    """A subquery: (customer_id, due_date, owed) of every invoice with something owed on `day`.

    Two disjoint parts: the invoices open today that nothing touched since `day`
    (read from their partial index), and the few that payments, credit notes or a
    void after `day` touched, with what those took off added back.
    """
    # Most payments after `day` pay invoices issued after it, which the aging leaves
    # out anyway: each payment carries its invoice's issue date, so they are dropped
    # without reading the invoices, and only the invoices owed on `day` are looked up.
    late_payments = (
        select(Payment.invoice_id, func.sum(Payment.applied).label("amount"))
        .where(Payment.received_on > day, Payment.invoice_issue_date <= day)
        .group_by(Payment.invoice_id)
        .cte("late_payments")
    )
    late_credits = (
        select(CreditNote.invoice_id, func.sum(CreditNote.applied_to_invoice).label("amount"))
        .where(CreditNote.issue_date > day)
        .group_by(CreditNote.invoice_id)
        .cte("late_credits")
    )
    after = datetime.combine(day + timedelta(1), time())

    def voided_later(invoice):
        return and_(invoice.state == VOID, invoice.voided_at >= after)

    def part(invoice, stmt, *where):
        owed = (
            invoice.balance
            + func.coalesce(late_payments.c.amount, zero())
            + func.coalesce(late_credits.c.amount, zero())
        )
        return (
            stmt.add_columns(invoice.customer_id, invoice.due_date, owed.label("owed"))
            .outerjoin(late_payments, late_payments.c.invoice_id == invoice.id)
            .outerjoin(late_credits, late_credits.c.invoice_id == invoice.id)
            .where(invoice.issue_date <= day, invoice.currency == currency, *where)
        )

    touched = union(
        select(late_payments.c.invoice_id),
        select(late_credits.c.invoice_id),
        select(Invoice.id).where(voided_later(Invoice)),
    ).cte("touched")
    # Open today and untouched since `day`: owed then what is owed now, read from the
    # partial index of open invoices without joining them to what came later. NOT IN
    # probes a hash of the few touched ids and keeps the index's order by customer.
    untouched = Invoice.id.not_in(
        select(touched.c.invoice_id).where(touched.c.invoice_id.is_not(None))
    )
    open_now = select(Invoice.customer_id, Invoice.due_date, Invoice.balance.label("owed")).where(
        Invoice.state == ISSUED,
        Invoice.balance > 0,
        Invoice.issue_date <= day,
        Invoice.currency == currency,
        untouched,
    )
    looked_up, joined = _look_up(touched)
    touched_since = part(looked_up, joined, or_(looked_up.state == ISSUED, voided_later(looked_up)))
    return union_all(open_now, touched_since).subquery()


def _look_up(touched):
    """(the touched invoices as an Invoice alias, a SELECT … FROM touched joined to them).

    On PostgreSQL each is fetched by its primary key (a LATERAL subquery; OFFSET 0
    keeps the planner from flattening it): it expects the touched set to be several
    times larger than it is and would otherwise scan the million invoices for them.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        one = select(Invoice).where(Invoice.id == touched.c.invoice_id).offset(0)
        looked_up = one.lateral("touched_invoice")
        return aliased(Invoice, looked_up), select().select_from(touched).join(looked_up, true())
    invoice = aliased(Invoice, name="touched_invoice")
    return invoice, select().select_from(touched).join(invoice, invoice.id == touched.c.invoice_id)


def _buckets(owed, day: date) -> list:
    """SUM(CASE …) per bucket by days overdue on `day`, and the outstanding total."""
    due = owed.c.due_date
    bounds = [day - timedelta(days=n) for n in (30, 60, 90)]
    conditions = [
        or_(due.is_(None), due >= day),
        and_(due < day, due >= bounds[0]),
        and_(due < bounds[0], due >= bounds[1]),
        and_(due < bounds[1], due >= bounds[2]),
        due < bounds[2],
    ]
    sums = [
        func.sum(case((condition, owed.c.owed), else_=zero())).label(key)
        for condition, (key, _) in zip(conditions, BUCKETS)
    ]
    return sums + [func.sum(owed.c.owed).label("outstanding")]


def per_customer(day: date, currency: str):
    """A subquery: the buckets, outstanding total (`sort_key`) and invoices of each customer."""
    owed = owed_on(day, currency)
    buckets = _buckets(owed, day)
    return (
        select(
            owed.c.customer_id,
            func.count().label("invoices"),
            *buckets,
            buckets[-1].element.label("sort_key"),
        )
        .where(owed.c.owed > 0)
        .group_by(owed.c.customer_id)
        .subquery()
    )


def aging_totals(connection, day: date, currency: str) -> dict:
    """{bucket: amount, "outstanding": …, "invoices": n, "customers": n} over every customer."""
    owed = owed_on(day, currency)
    row = connection.execute(
        select(
            func.count(func.distinct(owed.c.customer_id)).label("customers"),
            func.count().label("invoices"),
            *[func.coalesce(column, zero()).label(column.name) for column in _buckets(owed, day)],
        ).where(owed.c.owed > 0)
    ).one()
    return dict(row._mapping)


def _row(label: str, invoices: int, amounts: dict) -> dict:
    return {"customer": label, "invoices": invoices, **{key: amounts[key] for key in AMOUNTS}}


def compute_aging(params: ReportParams) -> ReportResult:
    """The customers owing the most, the rest in one row, and the totals of all."""
    day, currency = params.date_to, currency_of(params)
    limit = int(params.filters.get("top") or 100)
    amounts = ("invoices",) + AMOUNTS
    with snapshot() as connection:
        prefer_sorted_grouping(connection)
        stmt = ranked(per_customer(day, currency), amounts, limit)
        shown = [row._mapping for row in connection.execute(stmt)]
    hidden, rest = fold_rest(shown, amounts)
    rows = [_row(f"{r['number']} · {r['name']}", r["invoices"], r) for r in shown]
    if hidden:
        rows.append(_row(others_label(hidden), rest["invoices"], rest))
    totals = {key: (shown[0][f"all_{key}"] if shown else ZERO) for key in amounts}
    chart = bar_chart(
        f"Receivables by days overdue on {day.isoformat()}",
        [label for _, label in BUCKETS],
        [Series("Outstanding", [totals[key] for key, _ in BUCKETS])],
    )
    return ReportResult(
        columns=[
            Column("customer", "Customer"),
            Column("invoices", "Invoices", "int"),
            *[Column(key, label, "money") for key, label in BUCKETS],
            Column("outstanding", "Outstanding", "money"),
        ],
        rows=rows,
        totals=_row("Total", int(totals["invoices"]), totals) if rows else None,
        chart=chart,
        notes=[
            f"Amounts in {currency}, as owed at the end of {day.isoformat()}: invoice balances "
            "(gross − payments − credit notes applied); what was paid or credited later is "
            "still owed on that day. Customers' account credit is not deducted.",
            "Days overdue count from the due date: an invoice due on the day is not yet due.",
        ],
    )


register_report(
    Report(
        key="receivables",
        title="Receivables aging",
        description="What customers owe on a day, by how long it is overdue.",
        permission="reports.finance",
        compute=compute_aging,
        filters=(TOP_FILTER, CURRENCY_FILTER),
        defaults={key: DEFAULTS[key] for key in ("top", "currency")},
        as_of=True,
    )
)
