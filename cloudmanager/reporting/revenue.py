"""Revenue by month (or quarter, year): invoiced, credited, net revenue, tax, billed, collected.

Invoiced counts issued invoices by issue date (void ones were never owed);
credit notes count on their own issue date and reduce the period they are
issued in; collected is the money received in the period (payments by the day
they arrived, without account credit moved onto invoices, which was received
before). Revenue columns are net of tax; billed and collected include it.
"""

from collections import namedtuple
from datetime import date

from sqlalchemy import func, or_, select

from cloudmanager.core.money import ZERO
from cloudmanager.invoices.credit_models import CreditNote
from cloudmanager.invoices.models import ISSUED, VOID, Invoice, Payment
from cloudmanager.reporting.charts import Series, bar_chart
from cloudmanager.reporting.choices import CURRENCY_FILTER, DEFAULTS, PERIOD_FILTER
from cloudmanager.reporting.framework import Column, Report, ReportParams, ReportResult
from cloudmanager.reporting.framework import register_report
from cloudmanager.reporting.sql import (
    GRANULARITIES,
    period_label,
    period_number,
    periods_between,
    snapshot,
)

AMOUNTS = ("invoiced", "credited", "net", "tax", "billed", "collected")
COLUMNS = [
    Column("period", "Period"),
    Column("invoices", "Invoices", "int"),
    Column("invoiced", "Invoiced", "money"),
    Column("credited", "Credit notes", "money"),
    Column("net", "Net revenue", "money"),
    Column("tax", "Tax", "money"),
    Column("billed", "Billed (gross)", "money"),
    Column("collected", "Collected", "money"),
]

Sums = namedtuple("Sums", "count net tax gross")
NOTHING = Sums(0, ZERO, ZERO, ZERO)


def currency_of(params: ReportParams) -> str:
    """The currency a report is computed in (the filter always has one)."""
    return params.filters.get("currency") or "EUR"


def issued_between(date_from: date, date_to: date, currency: str) -> tuple:
    """WHERE clauses: invoices issued (not draft, not void) from `date_from` to `date_to`."""
    return (
        Invoice.state == ISSUED,
        Invoice.issue_date >= date_from,
        Invoice.issue_date <= date_to,
        Invoice.currency == currency,
    )


def invoiced_in(invoice_id, currency: str):
    """WHERE clause: the document's invoice is in `currency`.

    Written as "not one of the invoices in another currency" (found by an index,
    usually none), so payments and credit notes need no join with the invoices.
    """
    others = select(Invoice.id).where(or_(Invoice.currency < currency, Invoice.currency > currency))
    return invoice_id.not_in(others)


def not_void(invoice_id):
    """WHERE clause: the document's invoice was not voided (void invoices are few)."""
    return invoice_id.not_in(select(Invoice.id).where(Invoice.state == VOID))


def credited_between(date_from: date, date_to: date, currency: str) -> tuple:
    """WHERE clauses: credit notes issued in the period."""
    return (
        CreditNote.issue_date >= date_from,
        CreditNote.issue_date <= date_to,
        invoiced_in(CreditNote.invoice_id, currency),
    )


def received_between(date_from: date, date_to: date, currency: str) -> tuple:
    """WHERE clauses: money received in the period."""
    return (
        Payment.received_on >= date_from,
        Payment.received_on <= date_to,
        Payment.method != "account_credit",
        invoiced_in(Payment.invoice_id, currency),
    )


def period_sums(connection, date_from: date, date_to: date, currency: str, months: int) -> dict:
    """{period number: {"invoices": Sums, "credit_notes": Sums, "collected": Decimal}}."""
    invoice_period = period_number(Invoice.issue_date, months)
    note_period = period_number(CreditNote.issue_date, months)
    payment_period = period_number(Payment.received_on, months)
    invoices = connection.execute(
        select(
            invoice_period,
            func.count(Invoice.id),
            func.sum(Invoice.net_total),
            func.sum(Invoice.tax_total),
            func.sum(Invoice.gross_total),
        )
        .where(*issued_between(date_from, date_to, currency))
        .group_by(invoice_period)
    )
    notes = connection.execute(
        select(
            note_period,
            func.count(CreditNote.id),
            func.sum(CreditNote.net_total),
            func.sum(CreditNote.tax_total),
            func.sum(CreditNote.gross_total),
        )
        .where(*credited_between(date_from, date_to, currency))
        .group_by(note_period)
    )
    payments = connection.execute(
        select(payment_period, func.sum(Payment.amount))
        .where(*received_between(date_from, date_to, currency))
        .group_by(payment_period)
    )
    found: dict[int, dict] = {}
    for number, *sums in invoices:
        found.setdefault(number, {})["invoices"] = Sums(*sums)
    for number, *sums in notes:
        found.setdefault(number, {})["credit_notes"] = Sums(*sums)
    for number, amount in payments:
        found.setdefault(number, {})["collected"] = amount
    return found


def revenue_row(label: str, sums: dict) -> dict:
    """One table row from the sums of one period."""
    invoices = sums.get("invoices", NOTHING)
    notes = sums.get("credit_notes", NOTHING)
    return {
        "period": label,
        "invoices": invoices.count,
        "invoiced": invoices.net,
        "credited": notes.net,
        "net": invoices.net - notes.net,
        "tax": invoices.tax - notes.tax,
        "billed": invoices.gross - notes.gross,
        "collected": sums.get("collected", ZERO),
    }


def totals_row(rows: list[dict], label: str = "Total") -> dict:
    """The sum of each amount column (and the invoice count)."""
    totals: dict = {"period": label, "invoices": sum(row["invoices"] for row in rows)}
    for key in AMOUNTS:
        totals[key] = sum((row[key] for row in rows), ZERO)
    return totals


def compute_revenue(params: ReportParams) -> ReportResult:
    """Every period of the range, empty ones included, with a totals row and a chart."""
    months = GRANULARITIES[params.filters.get("period") or "month"]
    currency = currency_of(params)
    with snapshot() as connection:
        found = period_sums(connection, params.date_from, params.date_to, currency, months)
    numbers = periods_between(params.date_from, params.date_to, months)
    rows = [revenue_row(period_label(n, months), found.get(n, {})) for n in numbers]
    if not found:
        rows = []
    labels = [row["period"] for row in rows]
    chart = bar_chart(
        "Net revenue and money collected per period",
        labels,
        [
            Series("Net revenue", [row["net"] for row in rows]),
            Series("Collected", [row["collected"] for row in rows]),
        ],
    )
    return ReportResult(
        columns=COLUMNS,
        rows=rows,
        totals=totals_row(rows),
        chart=chart,
        notes=[
            f"Amounts in {currency}. Invoices count by issue date (void invoices are left out), "
            "credit notes by their own date.",
            "Net revenue = invoiced − credit notes, without tax. Collected is the money received "
            "in the period (by the day it arrived, tax included; account credit applied to an "
            "invoice is not counted again).",
        ],
    )


REVENUE = register_report(
    Report(
        key="revenue",
        title="Revenue",
        description="Invoiced, credit notes, net revenue and money collected per month.",
        permission="reports.finance",
        compute=compute_revenue,
        filters=(PERIOD_FILTER, CURRENCY_FILTER),
        defaults={key: DEFAULTS[key] for key in ("period", "currency")},
    )
)
