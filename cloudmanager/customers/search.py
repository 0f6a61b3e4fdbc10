"""Finding customers: filters, live search, sorting, keyset pages and the streamed CSV export.

The search matches one lower-cased `search_text` column (name, number, email,
VAT id and every contact's name and email). On PostgreSQL a pg_trgm GIN index
serves `ILIKE '%term%'`; on SQLite an FTS5 trigram table does the same job.
"""

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterator, NamedTuple

from sqlalchemy import Select, bindparam, column, select, table
from sqlalchemy.orm import selectinload

from cloudmanager.core.countries import country_name
from cloudmanager.core.database import read_rows
from cloudmanager.core.pagination import Page, clamp_page_size, keyset_page
from cloudmanager.customers.models import STATUSES, Customer, CustomerTag
from cloudmanager.extensions import db

SORTS = {
    "name": (Customer.name, Customer.id),
    "number": (Customer.number, Customer.id),
    "country": (Customer.country, Customer.id),
    "created": (Customer.id,),
}
# What the list page shows, read as plain rows: a 50-row page stays cheap.
LIST_COLUMNS = (
    Customer.id,
    Customer.number,
    Customer.kind,
    Customer.name,
    Customer.email,
    Customer.vat_id,
    Customer.country,
    Customer.status,
    Customer.created_at,
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


def search_condition(term: str):
    """`search_text` contains `term`, in the form each database can index.

    PostgreSQL: ILIKE served by the pg_trgm GIN index. SQLite: LIKE on the FTS5
    trigram table, which uses its index only without an ESCAPE clause, so terms
    with LIKE wildcards or under 3 characters take the plain (scanning) LIKE.
    """
    pattern = f"%{escape_like(term)}%"
    if db.engine.dialect.name == "postgresql":
        return Customer.search_text.ilike(pattern, escape="\\")
    if len(term) >= 3 and not any(char in term for char in "%_\\"):
        matching = select(SQLITE_FTS.c.rowid).where(SQLITE_FTS.c.search_text.like(f"%{term}%"))
        return Customer.id.in_(matching)
    return Customer.search_text.like(pattern, escape="\\")


def filtered_customers(filters: CustomerFilters, *columns: Any) -> Select:
    """SELECT customers (or just `columns`) matching `filters`, unordered and unpaged."""
    stmt = select(*columns) if columns else select(Customer)
    if filters.q:
        stmt = stmt.where(search_condition(filters.q.lower()))
    if filters.status:
        stmt = stmt.where(Customer.status == filters.status)
    if filters.country:
        stmt = stmt.where(Customer.country == filters.country)
    if filters.tag:
        tagged = select(CustomerTag.customer_id).where(CustomerTag.tag == filters.tag)
        stmt = stmt.where(Customer.id.in_(tagged))
    return stmt


# Built once: a statement built per request coerces each of its 50 ids anew.
TAGS_OF_CUSTOMERS = (
    select(CustomerTag.customer_id, CustomerTag.tag)
    .where(CustomerTag.customer_id.in_(bindparam("ids", expanding=True)))
    .order_by(CustomerTag.tag)
)


class ListedCustomer(NamedTuple):
    """A row of the list page: plain columns and tags, no ORM object to build."""

    id: int
    number: str
    kind: str
    name: str
    email: str
    vat_id: str
    country: str
    status: str
    created_at: datetime
    tags: list[str]

    @property
    def country_name(self) -> str:
        """The country's name, for the cell's title."""
        return country_name(self.country)


def customer_page(filters: CustomerFilters) -> Page:
    """One keyset page of the filtered list with tags (always exactly 2 queries)."""
    page = keyset_page(
        filtered_customers(filters, *LIST_COLUMNS),
        SORTS[filters.sort],
        cursor=filters.cursor,
        size=filters.size,
        descending=filters.dir == "desc",
        scalars=False,
    )
    tags: dict[int, list[str]] = defaultdict(list)
    ids = [row.id for row in page.items]
    for customer_id, tag in read_rows(TAGS_OF_CUSTOMERS, {"ids": ids}):
        tags[customer_id].append(tag)
    page.items = [ListedCustomer(*row, tags=tags.get(row.id, [])) for row in page.items]
    return page


KNOWN_TAGS = select(CustomerTag.tag).distinct().order_by(CustomerTag.tag).limit(bindparam("limit"))


def known_tags(limit: int = 200) -> list[str]:
    """Tags in use, for the filter select (index-only on customer_tags.tag)."""
    return [tag for (tag,) in read_rows(KNOWN_TAGS, {"limit": limit})]


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
