"""Finding customers: filters, live search, sorting, keyset pages and the streamed CSV export.

The search matches one lower-cased `search_text` column (name, number, email,
VAT id and every contact's name and email). On PostgreSQL a pg_trgm GIN index
serves `ILIKE '%term%'`; on SQLite an FTS5 trigram table answers a phrase MATCH.
"""

import csv
import io
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterator, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Date,
    Select,
    String,
    bindparam,
    cast,
    column,
    func,
    select,
    table,
)
from sqlalchemy.orm import selectinload

from cloudmanager.core.database import read_rows
from cloudmanager.core.pagination import (
    Page,
    clamp_page_size,
    cursor_params,
    keyset_after,
    keyset_order,
    keyset_page,
    page_of_rows,
)
from cloudmanager.customers.models import STATUSES, Customer, CustomerTag
from cloudmanager.extensions import db

SORTS = {
    "name": (Customer.name, Customer.id),
    "number": (Customer.number, Customer.id),
    "country": (Customer.country, Customer.id),
    "created": (Customer.id,),
}
# What the list page shows (and `tags`), read as plain rows: a 50-row page stays cheap.
LIST_COLUMNS = (
    Customer.id,
    Customer.number,
    Customer.kind,
    Customer.name,
    Customer.email,
    Customer.vat_id,
    Customer.country,
    Customer.status,
)
EXPORT_COLUMNS = (
    "number kind name email phone website vat_id address_line1 address_line2 city postcode "
    "country currency payment_terms_days tags status created_at"
).split()


@dataclass
class CustomerFilters:
    """What the list page was asked for (from the query string)."""

    q: str = ""
    status: str = ""
    tag: str = ""
    country: str = ""
    sort: str = "name"
    dir: str = "asc"
    cursor: str | None = None
    size: int = 25

    @classmethod
    def from_args(cls, args: Any) -> "CustomerFilters":
        """Read and sanitize filters from `request.args`."""
        sort = args.get("sort", "name")
        return cls(
            q=(args.get("q") or "").strip()[:100],
            status=args.get("status", "") if args.get("status") in STATUSES else "",
            tag=(args.get("tag") or "").strip().lower()[:40],
            country=(args.get("country") or "").strip().upper()[:2],
            sort=sort if sort in SORTS else "name",
            dir="desc" if args.get("dir") == "desc" else "asc",
            cursor=args.get("cursor") or None,
            size=clamp_page_size(args.get("size")),
        )

    def params(self) -> dict[str, Any]:
        """The non-default filters, for links that keep them (pager, sort, export)."""
        values = {
            "q": self.q,
            "status": self.status,
            "tag": self.tag,
            "country": self.country,
            "sort": self.sort if self.sort != "name" else "",
            "dir": self.dir if self.dir != "asc" else "",
        }
        return {key: value for key, value in values.items() if value}

    @property
    def active(self) -> bool:
        """True when anything narrows the list."""
        return bool(self.q or self.status or self.tag or self.country)


def escape_like(term: str) -> str:
    """Escape LIKE wildcards typed by the user."""
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


SQLITE_FTS = table("customers_fts", column("rowid"), column("search_text"))


class FilterShape(NamedTuple):
    """Which filters a request uses (not their values): one SQL statement per shape."""

    search: str  # "", "ilike" (PostgreSQL), "fts" or "like" (SQLite)
    status: bool
    country: bool
    tag: bool


def search_mode(term: str) -> str:
    """How `search_text` is searched for `term`, in the form each database can index.

    PostgreSQL: ILIKE served by the pg_trgm GIN index. SQLite: a phrase MATCH on
    the FTS5 trigram table, which is a substring match answered from the index
    alone (a LIKE there re-reads every candidate's text: several times slower for
    common terms). Trigrams need 3 characters; shorter terms take a plain LIKE.
    """
    if db.engine.dialect.name == "postgresql":
        return "ilike"
    return "fts" if len(term) >= 3 else "like"


def _search_condition(mode: str) -> ColumnElement[bool]:
    pattern = bindparam("q_pattern")
    if mode == "ilike":
        return Customer.search_text.ilike(pattern, escape="\\")
    if mode == "fts":
        matching = select(SQLITE_FTS.c.rowid).where(SQLITE_FTS.c.search_text.op("MATCH")(pattern))
        return Customer.id.in_(matching)
    return Customer.search_text.like(pattern, escape="\\")


def _search_pattern(term: str, mode: str) -> str:
    if mode == "fts":  # an FTS5 phrase: every character literal, quotes doubled
        return '"' + term.replace('"', '""') + '"'
    return f"%{escape_like(term)}%"


def _shape_and_params(filters: CustomerFilters) -> tuple[FilterShape, dict[str, Any]]:
    params: dict[str, Any] = {}
    mode = ""
    if filters.q:
        term = filters.q.lower()
        mode = search_mode(term)
        params["q_pattern"] = _search_pattern(term, mode)
    for name in ("status", "country", "tag"):
        if getattr(filters, name):
            params[name] = getattr(filters, name)
    shape = FilterShape(mode, bool(filters.status), bool(filters.country), bool(filters.tag))
    return shape, params


def _conditions(shape: FilterShape) -> list[ColumnElement[bool]]:
    conditions = []
    if shape.search:
        conditions.append(_search_condition(shape.search))
    if shape.status:
        conditions.append(Customer.status == bindparam("status"))
    if shape.country:
        conditions.append(Customer.country == bindparam("country"))
    if shape.tag:
        tagged = select(CustomerTag.customer_id).where(CustomerTag.tag == bindparam("tag"))
        conditions.append(Customer.id.in_(tagged))
    return conditions


def filtered_customers(filters: CustomerFilters, *columns: Any) -> Select:
    """SELECT customers (or just `columns`) matching `filters`, unordered and unpaged."""
    shape, params = _shape_and_params(filters)
    stmt = select(*columns) if columns else select(Customer)
    return stmt.where(*_conditions(shape)).params(params)


def _created_day(dialect: str) -> Any:
    """The day a customer was created: the list shows no time.

    SQLite stores timestamps as text; its `date()` hands the day over as text, which
    costs nothing to read, where a timestamp is parsed row by row.
    """
    if dialect == "sqlite":
        return func.date(Customer.created_at, type_=String)
    return cast(Customer.created_at, Date)


@lru_cache(maxsize=256)
def _list_statement(
    dialect: str, shape: FilterShape, sort: str, descending: bool, paged: bool
) -> Select:
    """The list's SELECT for one filter shape, built once: values are bound per request."""
    keys = SORTS[sort]
    stmt = select(
        *LIST_COLUMNS,
        _created_day(dialect).label("created_on"),
        Customer.tag_list,
    ).where(*_conditions(shape))
    if paged:
        stmt = stmt.where(keyset_after(keys, descending))
    return stmt.order_by(*keyset_order(keys, descending)).limit(bindparam("limit"))


def customer_page(filters: CustomerFilters) -> Page:
    """One keyset page of the filtered list, tags included, in one query.

    Its items are rows of LIST_COLUMNS plus `created_on` (a date, or its ISO text on
    SQLite) and `tag_list` (TAG_SEPARATOR-joined, or empty).
    """
    keys = SORTS[filters.sort]
    shape, params = _shape_and_params(filters)
    after = cursor_params(filters.cursor, keys)
    descending = filters.dir == "desc"
    stmt = _list_statement(db.engine.dialect.name, shape, filters.sort, descending, bool(after))
    rows = read_rows(stmt, {**params, **(after or {}), "limit": filters.size + 1})
    return page_of_rows(rows, keys, filters.size)


def export_rows(filters: CustomerFilters, chunk: int = 1000) -> Iterator[list[Any]]:
    """Every matching customer as a CSV row, read in keyset chunks (bounded memory)."""
    cursor = None
    keys = SORTS[filters.sort]
    while True:
        page = keyset_page(
            filtered_customers(filters).options(selectinload(Customer.tag_rows)),
            keys,
            cursor=cursor,
            size=chunk,
            descending=filters.dir == "desc",
        )
        for customer in page.items:
            yield [_export_value(customer, column) for column in EXPORT_COLUMNS]
            db.session.expunge(customer)  # keep the identity map from growing
        if not page.has_next:
            return
        cursor = page.next_cursor


def _export_value(customer: Customer, column: str) -> Any:
    if column == "tags":
        return ",".join(customer.tags)
    if column == "created_at":
        return customer.created_at.strftime("%Y-%m-%d %H:%M:%S")
    value = getattr(customer, column)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") and column != "phone":
        return "'" + value  # no formulas when the file is opened in a spreadsheet
    return value


def export_csv(filters: CustomerFilters) -> Iterator[str]:
    """The CSV text of the export, yielded piece by piece."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    for index, row in enumerate(export_rows(filters), start=1):
        writer.writerow(row)
        if index % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
