"""Revenue by product and by customer, over a period, with the same rules as the revenue report.

Each is one statement: the invoiced, credited (and, per customer, collected)
amounts are aggregated separately, stacked with UNION ALL and summed per
product or customer. The customer list shows the largest ones and folds the
rest into one "other customers" row, so the totals stay the totals of all.
"""

from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import Integer, cast, func, literal, select, union_all

from cloudmanager.core.money import ZERO
from cloudmanager.customers.models import Customer
from cloudmanager.invoices.models import CreditNote, CreditNoteLine, Invoice, InvoiceLine, Payment
from cloudmanager.products.models import Product, ProductGroup
from cloudmanager.reporting.charts import Series, bar_chart
from cloudmanager.reporting.choices import CURRENCY_FILTER, DEFAULTS, PRODUCT_GROUPS, TOP_FILTER
from cloudmanager.reporting.framework import Column, Report, ReportParams, ReportResult
from cloudmanager.reporting.framework import register_report
from cloudmanager.reporting.revenue import (
    credited_between,
    currency_of,
    issued_between,
    received_between,
)
from cloudmanager.reporting.sql import snapshot, zero

HUNDRED = Decimal(100)
NO_PRODUCT = "Other (lines without a product)"


def others_label(count: int) -> str:
    """The label of the row that folds customers beyond the top ones."""
    return f"{count:,} other customer{'s' if count != 1 else ''}"


def share(part: Decimal, whole: Decimal) -> Decimal | None:
    """`part` as a percentage of `whole` (None when there is no whole)."""
    if not whole:
        return None
    return (part * HUNDRED / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# --- by product --------------------------------------------------------------------------


def _product_parts(params: ReportParams):
    currency = currency_of(params)
    invoiced = (
        select(
            InvoiceLine.product_id.label("product_id"),
            func.sum(InvoiceLine.net).label("invoiced"),
            zero().label("credited"),
        )
        .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
        .where(*issued_between(params.date_from, params.date_to, currency))
        .group_by(InvoiceLine.product_id)
    )
    credited = (
        select(InvoiceLine.product_id, zero(), func.sum(CreditNoteLine.net))
        .join(CreditNote, CreditNote.id == CreditNoteLine.credit_note_id)
        .join(InvoiceLine, InvoiceLine.id == CreditNoteLine.invoice_line_id)
        .join(Invoice, Invoice.id == CreditNote.invoice_id)
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


def _customer_parts(params: ReportParams):
    currency = currency_of(params)
    none = literal(0)
    invoiced = (
        select(
            Invoice.customer_id.label("customer_id"),
            func.count(Invoice.id).label("invoices"),
            func.sum(Invoice.net_total).label("invoiced"),
            zero().label("credited"),
            zero().label("collected"),
        )
        .where(*issued_between(params.date_from, params.date_to, currency))
        .group_by(Invoice.customer_id)
    )
    credited = (
        select(CreditNote.customer_id, none, zero(), func.sum(CreditNote.net_total), zero())
        .join(Invoice, Invoice.id == CreditNote.invoice_id)
        .where(*credited_between(params.date_from, params.date_to, currency))
        .group_by(CreditNote.customer_id)
    )
    collected = (
        select(Payment.customer_id, none, zero(), zero(), func.sum(Payment.amount))
        .join(Invoice, Invoice.id == Payment.invoice_id)
        .where(*received_between(params.date_from, params.date_to, currency))
        .group_by(Payment.customer_id)
    )
    parts = union_all(invoiced, credited, collected).subquery()
    return (
        select(
            parts.c.customer_id,
            cast(func.sum(parts.c.invoices), Integer).label("invoices"),
            func.sum(parts.c.invoiced).label("invoiced"),
            func.sum(parts.c.credited).label("credited"),
            func.sum(parts.c.collected).label("collected"),
        )
        .group_by(parts.c.customer_id)
        .subquery()
    )


CUSTOMER_AMOUNTS = ("invoiced", "credited", "net", "collected")


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
    """The customers with the most net revenue, the others in one row, and the totals."""
    limit = int(params.filters.get("top") or 100)
    sums = _customer_parts(params)
    net = sums.c.invoiced - sums.c.credited
    top = (
        select(sums, Customer.number, Customer.name)
        .join(Customer, Customer.id == sums.c.customer_id)
        .order_by(net.desc(), Customer.number)
        .limit(limit)
    )
    everything = select(
        func.count(sums.c.customer_id),
        cast(func.coalesce(func.sum(sums.c.invoices), 0), Integer),
        func.coalesce(func.sum(sums.c.invoiced), zero()),
        func.coalesce(func.sum(sums.c.credited), zero()),
        func.coalesce(func.sum(sums.c.collected), zero()),
    )
    with snapshot() as connection:
        shown = connection.execute(top).all()
        count, invoices, invoiced, credited, collected = connection.execute(everything).one()
    total_net = invoiced - credited
    rows = [
        _customer_row(
            f"{row.number} · {row.name}",
            row.invoices,
            row.invoiced,
            row.credited,
            row.collected,
            total_net,
        )
        for row in shown
    ]
    if count > len(rows):
        rows.append(
            _customer_row(
                others_label(count - len(rows)),
                invoices - sum(row["invoices"] for row in rows),
                invoiced - sum((row["invoiced"] for row in rows), ZERO),
                credited - sum((row["credited"] for row in rows), ZERO),
                collected - sum((row["collected"] for row in rows), ZERO),
                total_net,
            )
        )
    totals = _customer_row("Total", invoices, invoiced, credited, collected, total_net)
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
        totals=totals if rows else None,
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
