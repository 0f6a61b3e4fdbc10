"""The tax report: taxable base and tax per rate and period, what a VAT return asks for.

Invoices count in the period of their issue date, credit notes in the period
of theirs and reduce it. The figures are the documents' own VAT breakdowns
(`TaxBreakdown`, stored when each was issued): per rate, the taxable amount
and the tax exactly as the document carries them. Reverse-charge sales are
rows of their own (no VAT charged; they go to the EC sales list).
"""

from sqlalchemy import case, func, select

from cloudmanager.core.money import ZERO, format_money
from cloudmanager.invoices.breakdown import TaxBreakdown
from cloudmanager.reporting.charts import Series, bar_chart
from cloudmanager.reporting.choices import CURRENCY_FILTER, DEFAULTS, PERIOD_FILTER
from cloudmanager.reporting.framework import Column, Report, ReportParams, ReportResult
from cloudmanager.reporting.framework import register_report
from cloudmanager.reporting.revenue import currency_of, not_void
from cloudmanager.reporting.sql import GRANULARITIES, period_label, period_number, snapshot
from cloudmanager.reporting.sql import zero

AMOUNTS = ("sales_base", "sales_tax", "credited_base", "credited_tax", "net_base", "net_tax")


def tax_rows(connection, params: ReportParams, months: int) -> list:
    """(period, tax_name, rate, reverse_charge, sales/credited base and tax) per period and rate.

    The breakdowns are summed per day first: a few thousand groups the planner
    sees coming (it hashes them), instead of sorting every row by its period.
    """
    row = TaxBreakdown
    is_credit = row.credit_note_id.is_not(None).label("is_credit")
    per_day = (
        select(
            row.issue_date,
            row.reverse_charge,
            row.rate,
            row.tax_name,
            is_credit,
            func.sum(row.taxable).label("taxable"),
            func.sum(row.tax).label("tax"),
        )
        .where(
            row.issue_date >= params.date_from,
            row.issue_date <= params.date_to,
            row.currency == currency_of(params),
            not_void(row.invoice_id),
        )
        .group_by(row.issue_date, row.reverse_charge, row.rate, row.tax_name, is_credit)
        .subquery()
    )
    day = per_day.c
    period = period_number(day.issue_date, months).label("period")

    def summed(amount, credit: bool):
        return func.sum(case((day.is_credit if credit else ~day.is_credit, amount), else_=zero()))

    keys = (period, day.reverse_charge, day.rate, day.tax_name)
    stmt = (
        select(
            *keys,
            summed(day.taxable, False).label("sales_base"),
            summed(day.tax, False).label("sales_tax"),
            summed(day.taxable, True).label("credited_base"),
            summed(day.tax, True).label("credited_tax"),
        )
        .group_by(*keys)
        .order_by(period, day.reverse_charge, day.rate.desc(), day.tax_name)
    )
    return connection.execute(stmt).all()


def _row(found, months: int) -> dict:
    row = {key: getattr(found, key) for key in AMOUNTS[:4]}
    return {
        "period": period_label(found.period, months),
        "tax": "Reverse charge" if found.reverse_charge else (found.tax_name or "No tax"),
        "rate": found.rate,
        "reverse_charge": "yes" if found.reverse_charge else "no",
        **row,
        "net_base": row["sales_base"] - row["credited_base"],
        "net_tax": row["sales_tax"] - row["credited_tax"],
    }


def compute_tax(params: ReportParams) -> ReportResult:
    """Rows per period and rate, totals, the reverse-charge sum and a chart of tax per period."""
    months = GRANULARITIES[params.filters.get("period") or "month"]
    with snapshot() as connection:
        found = tax_rows(connection, params, months)
    rows = [_row(item, months) for item in found]
    totals = {"period": "Total", **{key: sum((r[key] for r in rows), ZERO) for key in AMOUNTS}}
    reverse = sum((r["net_base"] for r in rows if r["reverse_charge"] == "yes"), ZERO)
    per_period: dict[str, dict] = {}
    for row in rows:
        sums = per_period.setdefault(row["period"], {"base": ZERO, "tax": ZERO, "reverse": ZERO})
        sums["reverse" if row["reverse_charge"] == "yes" else "base"] += row["net_base"]
        sums["tax"] += row["net_tax"]
    chart = bar_chart(
        "Taxed sales, tax due and reverse-charge sales per period",
        list(per_period),
        [
            Series(label, [sums[key] for sums in per_period.values()])
            for key, label in (
                ("base", "Taxable base"),
                ("tax", "Tax due"),
                ("reverse", "Reverse-charge sales"),
            )
        ],
    )
    return ReportResult(
        columns=[
            Column("period", "Period"),
            Column("tax", "Tax"),
            Column("rate", "Rate", "percent"),
            Column("reverse_charge", "Reverse charge"),
            Column("sales_base", "Invoiced base", "money"),
            Column("sales_tax", "Invoiced tax", "money"),
            Column("credited_base", "Credited base", "money"),
            Column("credited_tax", "Credited tax", "money"),
            Column("net_base", "Taxable base", "money"),
            Column("net_tax", "Tax due", "money"),
        ],
        rows=rows,
        totals=totals if rows else None,
        chart=chart,
        notes=[
            f"Amounts in {currency_of(params)}. Reverse-charge sales in the period: "
            f"{format_money(reverse, '')} (no VAT charged; the customer accounts for it; list "
            "them in the EC sales list).",
            "Each invoice and credit note counts with the VAT breakdown it carries (per rate, "
            "the tax on the sum of that rate's lines). Credit notes reduce the period they are "
            "issued in.",
        ],
    )


register_report(
    Report(
        key="tax",
        title="Tax report",
        description="Taxable base and tax per rate and period, reverse-charge sales apart.",
        permission="reports.finance",
        compute=compute_tax,
        filters=(PERIOD_FILTER, CURRENCY_FILTER),
        defaults={key: DEFAULTS[key] for key in ("period", "currency")},
    )
)
