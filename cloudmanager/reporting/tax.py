"""The tax report: taxable base and tax per rate and period, what a VAT return asks for.

Invoices count in the period of their issue date, credit notes in the period
of theirs and reduce it. The tax of each rate is computed per document, on the
sum of that rate's line nets, half-up to cents: the rule of the invoices'
engine, so each document adds exactly the tax printed on it. Reverse-charge
sales are rows of their own (no VAT charged; they go to the EC sales list).
"""

from sqlalchemy import func, select, union_all

from cloudmanager.core.money import ZERO
from cloudmanager.invoices.models import CreditNote, CreditNoteLine, Invoice, InvoiceLine
from cloudmanager.reporting.charts import Series, bar_chart
from cloudmanager.reporting.choices import CURRENCY_FILTER, DEFAULTS, PERIOD_FILTER
from cloudmanager.reporting.framework import Column, Report, ReportParams, ReportResult
from cloudmanager.reporting.framework import register_report
from cloudmanager.reporting.revenue import credited_between, currency_of, issued_between
from cloudmanager.reporting.sql import GRANULARITIES, period_label, period_number, snapshot
from cloudmanager.reporting.sql import tax_on, zero

AMOUNTS = ("sales_base", "sales_tax", "credited_base", "credited_tax", "net_base", "net_tax")


def _per_document(line, document_id, day, where, months: int, credit: bool):
    """Per (document, rate): the period, the base and its tax, in the invoice or credit columns."""
    period = period_number(day, months).label("period")
    base = func.sum(line.net)
    tax = tax_on(base, line.tax_rate)
    amounts = [zero(), zero(), base, tax] if credit else [base, tax, zero(), zero()]
    keys = (line.tax_name, line.tax_rate, line.reverse_charge)
    stmt = select(
        period,
        line.tax_name.label("tax_name"),
        line.tax_rate.label("rate"),
        line.reverse_charge.label("reverse_charge"),
        *[amount.label(key) for amount, key in zip(amounts, AMOUNTS)],
    )
    return stmt.where(*where).group_by(document_id, period, *keys)


def tax_rows(connection, params: ReportParams, months: int) -> list:
    """(period, tax_name, rate, reverse_charge, sales/credited base and tax) per period and rate."""
    currency = currency_of(params)
    sales = _per_document(
        InvoiceLine,
        Invoice.id,
        Invoice.issue_date,
        issued_between(params.date_from, params.date_to, currency),
        months,
        credit=False,
    ).join(Invoice, Invoice.id == InvoiceLine.invoice_id)
    credits = (
        _per_document(
            CreditNoteLine,
            CreditNote.id,
            CreditNote.issue_date,
            credited_between(params.date_from, params.date_to, currency),
            months,
            credit=True,
        )
        .join(CreditNote, CreditNote.id == CreditNoteLine.credit_note_id)
        .join(Invoice, Invoice.id == CreditNote.invoice_id)
    )
    documents = union_all(sales, credits).subquery()
    keys = (documents.c.period, documents.c.reverse_charge, documents.c.rate, documents.c.tax_name)
    stmt = (
        select(*keys, *[func.sum(documents.c[key]).label(key) for key in AMOUNTS[:4]])
        .group_by(*keys)
        .order_by(documents.c.period, documents.c.reverse_charge, documents.c.rate.desc())
        .order_by(documents.c.tax_name)
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
        sums = per_period.setdefault(row["period"], {"tax": ZERO, "reverse": ZERO})
        sums["tax"] += row["net_tax"]
        if row["reverse_charge"] == "yes":
            sums["reverse"] += row["net_base"]
    chart = bar_chart(
        "Tax due and reverse-charge sales per period",
        list(per_period),
        [
            Series("Net tax", [sums["tax"] for sums in per_period.values()]),
            Series("Reverse-charge sales", [sums["reverse"] for sums in per_period.values()]),
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
            f"Amounts in {currency_of(params)}. Reverse-charge sales in the period: {reverse} "
            "(no VAT charged; the customer accounts for it, list them in the EC sales list).",
            "Tax is summed as printed on each invoice and credit note (per rate, on the sum of "
            "that rate's lines). Credit notes reduce the period they are issued in.",
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
