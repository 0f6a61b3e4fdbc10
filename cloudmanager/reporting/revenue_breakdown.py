"""Revenue by product and by customer, over a period, with the same rules as the revenue report.

Each is one statement: the invoiced, credited (and, per customer, collected)
amounts are aggregated separately, stacked with UNION ALL and summed per
product or customer. The customer list shows the largest ones and folds the
rest into one "other customers" row, so the totals stay the totals of all.
"""

from decimal import Decimal
from typing import Any

from sqlalchemy import Integer, func, literal_column, select, union_all

from cloudmanager.core.money import ZERO
from cloudmanager.invoices.credit_models import CreditNote, CreditNoteLine
from cloudmanager.invoices.models import Invoice, InvoiceLine, Payment
from cloudmanager.products.models import Product, ProductGroup
from cloudmanager.reporting.charts import Series, bar_chart
from cloudmanager.reporting.choices import CURRENCY_FILTER, DEFAULTS, PRODUCT_GROUPS, TOP_FILTER
from cloudmanager.reporting.framework import Column, Report, ReportParams, ReportResult
from cloudmanager.reporting.framework import register_report
from cloudmanager.reporting.ranking import fold_rest, others_label, ranked, share
from cloudmanager.reporting.revenue import (
    credited_between,
    currency_of,
    invoiced_in,
    issued_between,
    not_void,
    received_between,
)
from cloudmanager.reporting.sql import prefer_sorted_grouping, snapshot, zero

NO_PRODUCT = "Other (lines without a product)"


def _product_parts(params: ReportParams):
    currency = currency_of(params)
    # Lines carry their invoice's issue date: a period's lines are read from their index.
    invoiced = (
        select(
            InvoiceLine.product_id.label("product_id"),
            func.sum(InvoiceLine.net).label("invoiced"),
            zero().label("credited"),
        )
        .where(
            InvoiceLine.issue_date >= params.date_from,
            InvoiceLine.issue_date <= params.date_to,
            not_void(InvoiceLine.invoice_id),
            invoiced_in(InvoiceLine.invoice_id, currency),
        )
        .group_by(InvoiceLine.product_id)
    )
    credited = (
        select(InvoiceLine.product_id, zero(), func.sum(CreditNoteLine.net))
        .join(CreditNote, CreditNote.id == CreditNoteLine.credit_note_id)
        .join(InvoiceLine, InvoiceLine.id == CreditNoteLine.invoice_line_id)
        .where(*credited_between(params.date_from, params.date_to, currency))
        .group_by(InvoiceLine.product_id)
    )
    group = params.filters.get("group")
    if group:
        invoiced = invoiced.join(Product, Product.id == InvoiceLine.product_id).where(
            Product.group_id == int(group)
        )
        credited = credited.join(Product, Product.id == InvoiceLine.product_id).where(
            Product.group_id == int(group)
        )
    return union_all(invoiced, credited).subquery()


def compute_by_product(params: ReportParams) -> ReportResult:
    """Net revenue per product, largest first; lines without a product are one row."""
    parts = _product_parts(params)
    sums = (
        select(
            parts.c.product_id,
            func.sum(parts.c.invoiced).label("invoiced"),
            func.sum(parts.c.credited).label("credited"),
        )
        .group_by(parts.c.product_id)
        .subquery()
    )
    net = sums.c.invoiced - sums.c.credited
    stmt = (
        select(
            sums,
            Product.sku.label("sku"),
            Product.name.label("product_name"),
            ProductGroup.name.label("group_name"),
        )
        .outerjoin(Product, Product.id == sums.c.product_id)
        .outerjoin(ProductGroup, ProductGroup.id == Product.group_id)
        .order_by(net.desc(), Product.sku)
    )
    with snapshot() as connection:
        found = connection.execute(stmt).all()
    total_net = sum((row.invoiced - row.credited for row in found), ZERO)
    rows = [
        {
            "product": f"{row.sku} · {row.product_name}" if row.sku else NO_PRODUCT,
            "group": row.group_name or "—",
            "invoiced": row.invoiced,
            "credited": row.credited,
            "net": row.invoiced - row.credited,
            "share": share(row.invoiced - row.credited, total_net),
        }
        for row in found
    ]
    top = rows[:10]
    return ReportResult(
        columns=[
            Column("product", "Product"),
            Column("group", "Group"),
            Column("invoiced", "Invoiced", "money"),
            Column("credited", "Credit notes", "money"),
            Column("net", "Net revenue", "money"),
            Column("share", "Share", "percent"),
        ],
        rows=rows,
        totals={
            "product": "Total",
            "invoiced": sum((row["invoiced"] for row in rows), ZERO),
            "credited": sum((row["credited"] for row in rows), ZERO),
            "net": total_net,
            "share": Decimal("100.0") if rows else None,
        },
        chart=bar_chart(
            "Net revenue of the ten largest products",
            [row["product"].split(" · ")[0][:14] for row in top],
            [Series("Net revenue", [row["net"] for row in top])],
        ),
        notes=[
            f"Amounts in {currency_of(params)}, without tax: invoice lines of issued invoices "
            "by issue date, less the credited lines by credit-note date."
        ],
    )


# --- by customer -------------------------------------------------------------------------


def _customer_revenue(params: ReportParams):
    """Per customer: invoices, invoiced and credited in the period.

    Invoices and credit notes are summed per customer each on their own and the
    two joined (FULL JOIN: a customer may have only one of them in the period):
    one aggregate over the period's invoices with a count and one sum, instead of
    three sums over a union of every invoice and credit note.
    """
    currency = currency_of(params)
    invoiced = (
        select(
            Invoice.customer_id.label("customer_id"),
            func.count().label("invoices"),
            func.sum(Invoice.net_total).label("invoiced"),
        )
        .where(*issued_between(params.date_from, params.date_to, currency))
        .group_by(Invoice.customer_id)
        .subquery()
    )
    credited = (
        select(CreditNote.customer_id, func.sum(CreditNote.net_total).label("credited"))
        .where(*credited_between(params.date_from, params.date_to, currency))
        .group_by(CreditNote.customer_id)
        .subquery()
    )
    none = literal_column("0", Integer)
    sums = (
        select(
            func.coalesce(invoiced.c.customer_id, credited.c.customer_id).label("customer_id"),
            func.coalesce(invoiced.c.invoices, none).label("invoices"),
            func.coalesce(invoiced.c.invoiced, zero()).label("invoiced"),
            func.coalesce(credited.c.credited, zero()).label("credited"),
        )
        .select_from(invoiced)
        .join(credited, credited.c.customer_id == invoiced.c.customer_id, full=True)
        .subquery()
    )
    return select(sums, (sums.c.invoiced - sums.c.credited).label("sort_key")).subquery()


def _collected(connection, params: ReportParams, customer_ids: list[int]) -> tuple[dict, Any]:
    """({customer id: collected} for the customers shown, collected from everybody)."""
    received = received_between(params.date_from, params.date_to, currency_of(params))
    shown = {}
    if customer_ids:
        shown = dict(
            connection.execute(
                select(Payment.customer_id, func.sum(Payment.amount))
                .where(*received, Payment.customer_id.in_(customer_ids))
                .group_by(Payment.customer_id)
            ).all()
        )
    total = connection.execute(
        select(func.coalesce(func.sum(Payment.amount), zero())).where(*received)
    )
    return shown, total.scalar_one()


def _customer_row(label: str, invoices: int, invoiced, credited, collected, total_net) -> dict:
    return {
        "customer": label,
        "invoices": invoices,
        "invoiced": invoiced,
        "credited": credited,
        "net": invoiced - credited,
        "collected": collected,
        "share": share(invoiced - credited, total_net),
    }


def compute_by_customer(params: ReportParams) -> ReportResult:
    """The customers with the most net revenue, the others in one row, and the totals.

    The ranking needs invoices and credit notes only; what was collected is summed
    for the customers shown and once for everybody, not per customer for all.
    """
    limit = int(params.filters.get("top") or 100)
    amounts = ("invoices", "invoiced", "credited")
    with snapshot() as connection:
        prefer_sorted_grouping(connection)  # sorted sums merge-join cheaper than 95,000 hashed
        stmt = ranked(_customer_revenue(params), amounts, limit)
        shown = [row._mapping for row in connection.execute(stmt)]
        collected, total_collected = _collected(
            connection, params, [row["customer_id"] for row in shown]
        )
    hidden, rest = fold_rest(shown, amounts)
    total = {key: (shown[0][f"all_{key}"] if shown else 0) for key in amounts}
    total_net = (total["invoiced"] - total["credited"]) if shown else ZERO

    def row(label: str, values, paid) -> dict:
        invoiced, credited = values.get("invoiced", ZERO), values.get("credited", ZERO)
        return _customer_row(
            label, int(values.get("invoices", 0)), invoiced, credited, paid, total_net
        )

    rows = [
        row(f"{r['number']} · {r['name']}", r, collected.get(r["customer_id"], ZERO)) for r in shown
    ]
    rest_collected = total_collected - sum((r["collected"] for r in rows), ZERO)
    if hidden or rest_collected:
        label = others_label(hidden) if hidden else "Payments of customers without revenue"
        rows.append(row(label, rest, rest_collected))
    return ReportResult(
        columns=[
            Column("customer", "Customer"),
            Column("invoices", "Invoices", "int"),
            Column("invoiced", "Invoiced", "money"),
            Column("credited", "Credit notes", "money"),
            Column("net", "Net revenue", "money"),
            Column("collected", "Collected", "money"),
            Column("share", "Share", "percent"),
        ],
        rows=rows,
        totals=row("Total", total, total_collected) if rows else None,
        notes=[
            f"Amounts in {currency_of(params)}. Revenue without tax, collected with tax; "
            "the same rules as the revenue report, whose totals these add up to."
        ],
    )


register_report(
    Report(
        key="revenue-by-product",
        title="Revenue by product",
        description="Net revenue per product and product group, with each one's share.",
        permission="reports.finance",
        compute=compute_by_product,
        filters=(("group", "Product group", PRODUCT_GROUPS), CURRENCY_FILTER),
        defaults={"currency": DEFAULTS["currency"]},
    )
)
register_report(
    Report(
        key="revenue-by-customer",
        title="Revenue by customer",
        description="The customers bringing the most net revenue, and what they paid.",
        permission="reports.finance",
        compute=compute_by_customer,
        filters=(TOP_FILTER, CURRENCY_FILTER),
        defaults={key: DEFAULTS[key] for key in ("top", "currency")},
    )
)
