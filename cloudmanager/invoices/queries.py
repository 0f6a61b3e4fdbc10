"""Reading invoices: list filters, keyset pages, the sum of the filtered set, CSV export."""

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Iterator

from sqlalchemy import Select, func, select, text
from sqlalchemy.exc import OperationalError

from cloudmanager.core.money import ZERO
from cloudmanager.core.pagination import Page, clamp_page_size, keyset_page, list_args
from cloudmanager.extensions import db
from cloudmanager.invoices.models import STATUS_LABELS, Invoice

EXPORT_COLUMNS = (
    "number status issue_date due_date customer_number customer currency "
    "net_total tax_total gross_total paid_total credited_total balance"
).split()


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        return None


def _int(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() else None


@dataclass
class InvoiceFilters:
    """What the invoice list was asked for (from the query string)."""

    status: str = ""
    customer_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    overdue: bool = False
    q: str = ""
    cursor: str | None = None
    size: int = 25

    @classmethod
    def from_args(cls, args: Any) -> "InvoiceFilters":
        """Read and sanitize filters from `request.args` (bad values are ignored)."""
        args = list_args(args)
        status = args.get("status", "")
        return cls(
            status=status if status in STATUS_LABELS else "",
            customer_id=_int(args.get("customer_id")),
            date_from=_day(args.get("date_from")),
            date_to=_day(args.get("date_to")),
            overdue=args.get("overdue") in ("1", "on", "true"),
            q=(args.get("q") or "").strip()[:40],
            cursor=args.get("cursor") or None,
            size=clamp_page_size(args.get("size")),
        )

    def params(self) -> dict[str, Any]:
        """The active filters, for links that keep them (pager, export)."""
        values = {
            "status": self.status,
            "customer_id": self.customer_id or "",
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
            "overdue": "1" if self.overdue else "",
            "q": self.q,
        }
        return {key: value for key, value in values.items() if value}

    @property
    def active(self) -> bool:
        """True when anything narrows the list."""
        return bool(self.params())


def filtered_invoices(filters: InvoiceFilters, stmt: Select | None = None) -> Select:
    """`stmt` (default SELECT invoices) narrowed by `filters`; unordered, unpaged."""
    stmt = select(Invoice) if stmt is None else stmt
    if filters.status:
        stmt = stmt.where(Invoice.status == filters.status)
    if filters.overdue:
        stmt = stmt.where(Invoice.status == "overdue")
    if filters.customer_id:
        stmt = stmt.where(Invoice.customer_id == filters.customer_id)
    if filters.date_from:
        stmt = stmt.where(Invoice.issue_date >= filters.date_from)
    if filters.date_to:
        stmt = stmt.where(Invoice.issue_date <= filters.date_to)
    if filters.q:
        stmt = stmt.where(Invoice.number.startswith(filters.q.upper(), autoescape=True))
    return stmt


def sort_keys(filters: InvoiceFilters) -> list:
    """Newest first: by id, or by (issue date, id) when a date range is asked for, so the
    (issue_date, id) index serves both the range and the order."""
    if filters.date_from or filters.date_to:
        return [Invoice.issue_date, Invoice.id]
    return [Invoice.id]


def invoice_page(filters: InvoiceFilters) -> Page:
    """One keyset page, newest first, customers joined in (one query)."""
    return keyset_page(
        filtered_invoices(filters),
        sort_keys(filters),
        cursor=filters.cursor,
        size=filters.size,
        descending=True,
    )


SUM_TIMEOUT_MS = 5000


@dataclass
class CurrencySum:
    """What the filtered invoices in one currency add up to."""

    currency: str
    count: int
    gross: Decimal
    balance: Decimal


@dataclass
class ListSummary:
    """Count and sums per currency of the whole filtered set (not just the page)."""

    sums: list[CurrencySum]
    timed_out: bool = False

    @property
    def count(self) -> int:
        """How many invoices match, in every currency."""
        return sum(row.count for row in self.sums)


def list_summary(filters: InvoiceFilters) -> ListSummary:
    """How many invoices match and what they add up to per currency (void ones count for nothing).

    The list page loads this in a request of its own after the rows, so the page
    stays as fast as its keyset query however many invoices match. On PostgreSQL a
    statement timeout bounds the sum (a million invoices take ~150 ms); past it the
    summary says so instead of failing.
    """
    open_amount = Invoice.gross_total - Invoice.paid_total - Invoice.credited_total
    stmt = (
        filtered_invoices(
            filters,
            select(
                Invoice.currency,
                func.count(),
                func.sum(Invoice.gross_total).filter(Invoice.state != "void"),
                func.sum(open_amount).filter(Invoice.state == "issued"),
            ),
        )
        .group_by(Invoice.currency)
        .order_by(Invoice.currency)
    )
    postgresql = db.session.get_bind().dialect.name == "postgresql"
    try:
        if postgresql:
            db.session.execute(text(f"SET LOCAL statement_timeout = {SUM_TIMEOUT_MS}"))
        rows = db.session.execute(stmt).all()
    except OperationalError:  # the statement timeout: a read-only request, nothing to lose
        db.session.rollback()
        return ListSummary([], timed_out=True)
    return ListSummary(
        [
            CurrencySum(cur, count, gross or ZERO, balance or ZERO)
            for cur, count, gross, balance in rows
        ]
    )


def export_rows(filters: InvoiceFilters, chunk: int = 1000) -> Iterator[list[Any]]:
    """The filtered invoices as CSV rows, read in keyset chunks (constant memory)."""
    cursor = None
    while True:
        page = keyset_page(
            filtered_invoices(filters),
            sort_keys(filters),
            cursor=cursor,
            size=chunk,
            descending=True,
        )
        for invoice in page.items:
            yield [
                invoice.number or "",
                invoice.status,
                invoice.issue_date or "",
                invoice.due_date or "",
                invoice.customer_number or invoice.customer.number,
                invoice.bill_name or invoice.customer.name,
                invoice.currency,
                invoice.net_total,
                invoice.tax_total,
                invoice.gross_total,
                invoice.paid_total,
                invoice.credited_total,
                invoice.balance,
            ]
        db.session.expunge_all()
        if not page.has_next:
            return
        cursor = page.next_cursor


def export_csv(filters: InvoiceFilters) -> Iterator[str]:
    """CSV text in pieces, header first; formulas are neutralised for spreadsheets."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    for row in export_rows(filters):
        writer.writerow([_safe(value) for value in row])
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _safe(value: Any) -> Any:
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not _is_number(text) else value


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except InvalidOperation:
        return False
    return True
