"""Finding customers: filters, live search, sorting, keyset pages and the streamed CSV export.

The search matches one lower-cased `search_text` column (name, number, email,
VAT id and every contact's name and email). On PostgreSQL a pg_trgm GIN index
serves `LIKE '%term%'`, and a common term newest first walks the ordered postings
of one of its trigrams (customers/search_postings.py); on SQLite an FTS5 trigram
table answers a phrase MATCH (customers/search_index.py).

The order and the filters a request asks for are `filters.CustomerFilters`.
"""

import csv
import io
from functools import lru_cache
from typing import Any, Iterator, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    Select,
    String,
    bindparam,
    cast,
    column,
    func,
    literal_column,
    select,
    table,
)
from sqlalchemy.orm import selectinload

from cloudmanager.core.database import read_rows
from cloudmanager.core.pagination import (
    Page,
    cursor_params,
    keyset_after,
    keyset_order,
    keyset_page,
    page_of_rows,
)
from cloudmanager.customers.filters import SORTS, CustomerFilters
from cloudmanager.customers.models import Customer, CustomerTag
from cloudmanager.customers.search_index import FTS_ROWID_BASE
from cloudmanager.customers.search_narrowing import trigram_shares
from cloudmanager.customers.search_postings import TABLE as POSTINGS_TABLE
from cloudmanager.extensions import db

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


def escape_like(term: str) -> str:
    """Escape LIKE wildcards typed by the user."""
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


SQLITE_FTS = table("customers_fts", column("rowid"), column("search_text"))
POSTINGS = table(POSTINGS_TABLE, column("trigram"), column("customer_id", Integer))


class FilterShape(NamedTuple):
    """Which filters a request uses (not their values): one SQL statement per shape."""

    # "", "fts" (SQLite), "like" (PostgreSQL, or SQLite under 3 characters),
    # "narrowed" (PostgreSQL: the index reads the rarest part of the term) or
    # "walk" (PostgreSQL, newest first: the ordered postings of one trigram).
    search: str
    status: bool
    country: bool
    tag: bool


def search_mode(term: str) -> str:
    """How `search_text` is searched for `term`, in the form each database can index.

    PostgreSQL: LIKE served by the pg_trgm GIN index (the column and the term are
    both lower-cased, so no ILIKE: it folds the case of every candidate again).
    SQLite: a phrase MATCH on the FTS5 trigram table, which is a substring match
    answered from the index alone (a LIKE there re-reads every candidate's text:
    several times slower for common terms). Trigrams need 3 characters; shorter
    terms take a plain LIKE.
    """
    if db.engine.dialect.name == "postgresql" or len(term) < 3:
        return "like"
    return "fts"


def _fts_match() -> ColumnElement[bool]:
    return SQLITE_FTS.c.search_text.op("MATCH")(bindparam("q_pattern"))


def _search_condition(mode: str) -> ColumnElement[bool]:
    if mode == "fts":
        matching = select(FTS_ROWID_BASE - SQLITE_FTS.c.rowid).where(_fts_match())
        return Customer.id.in_(matching)
    holds_term = func.strpos(Customer.search_text, bindparam("q_term")) > 0
    if mode == "walk":  # the postings find the candidates (_in_search_index_order)
        return holds_term
    condition = Customer.search_text.like(bindparam("q_pattern"), escape="\\")
    if mode == "narrowed":  # the index reads a part of the term; each row left has it all
        return condition & holds_term
    return condition


def _search_pattern(term: str, mode: str) -> str:
    if mode == "fts":  # an FTS5 phrase: every character literal, quotes doubled
        return '"' + term.replace('"', '""') + '"'
    return f"%{escape_like(term)}%"


def _shape_and_params(
    filters: CustomerFilters, page_rows: int = 0
) -> tuple[FilterShape, dict[str, Any]]:
    """The statement's shape and its values; `page_rows` when it reads one page."""
    params: dict[str, Any] = {}
    mode = ""
    if filters.q:
        term = filters.q.lower()
        mode = search_mode(term)
        params["q_pattern"] = _search_pattern(term, mode)
        if mode == "like" and db.engine.dialect.name == "postgresql":
            mode = _postgres_search(term, page_rows, filters, params)
    for name in ("status", "country", "tag"):
        if getattr(filters, name):
            params[name] = getattr(filters, name)
    shape = FilterShape(mode, bool(filters.status), bool(filters.country), bool(filters.tag))
    return shape, params


def _postgres_search(
    term: str, page_rows: int, filters: CustomerFilters, params: dict[str, Any]
) -> str:
    """The PostgreSQL search mode for `term` (adding its values to `params`).

    `page_rows` is the page size when one page is read, else 0. Only a page in
    creation order can walk the ordered postings.
    """
    shares = trigram_shares()
    wanted = (filters.status, filters.country, filters.tag)
    walks = page_rows and filters.sort == "created"
    trigram = walks and shares.walked_trigram(term, page_rows, wanted)
    if trigram:
        del params["q_pattern"]  # the postings match instead
        params["q_trigram"], params["q_term"] = trigram, term
        return "walk"
    part = shares.narrowest_part(term)
    if part:
        params["q_pattern"], params["q_term"] = f"%{part}%", term
        return "narrowed"
    return "like"


def _conditions(shape: FilterShape, search: bool = True) -> list[ColumnElement[bool]]:
    conditions = []
    if shape.search and search:
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
    columns = (*LIST_COLUMNS, _created_day(dialect).label("created_on"), Customer.tag_list)
    if shape.search in ("fts", "walk") and sort == "created":
        return _in_search_index_order(columns, shape, descending, paged)
    keys = SORTS[sort]
    stmt = select(*columns).where(*_conditions(shape))
    if paged:
        stmt = stmt.where(keyset_after(keys, descending))
    return stmt.order_by(*keyset_order(keys, descending)).limit(bindparam("limit"))


def _in_search_index_order(
    columns: tuple, shape: FilterShape, descending: bool, paged: bool
) -> Select:
    """Search results by creation, driven by the search index in its own order.

    Either index lists customers in creation order, so the database stops reading
    matches once the page is full, and the keyset bound goes on the index's key.
    SQLite's FTS5 rowid is FTS_ROWID_BASE - id: ascending rowids are newest first.
    PostgreSQL's postings of one trigram are keyed by customer id; each candidate
    is checked for the whole term.
    """
    after = bindparam("after_0", type_=Integer)
    if shape.search == "fts":
        key, found = SQLITE_FTS.c.rowid, _fts_match()
        source = SQLITE_FTS.join(Customer, Customer.id == FTS_ROWID_BASE - key)
        after, descending = FTS_ROWID_BASE - after, not descending
    else:
        key = POSTINGS.c.customer_id
        found = (POSTINGS.c.trigram == bindparam("q_trigram")) & _search_condition("walk")
        # "+ 0": a plain key lets the planner merge-join both tables by id, walking
        # `customers` backwards past every row without the term (as slow as no postings).
        source = POSTINGS.join(Customer, Customer.id == key + literal_column("0"))
    stmt = select(*columns).select_from(source).where(found, *_conditions(shape, False))
    if paged:
        stmt = stmt.where(key < after if descending else key > after)
    return stmt.order_by(key.desc() if descending else key).limit(bindparam("limit"))


def customer_page(filters: CustomerFilters) -> Page:
    """One keyset page of the filtered list, tags included, in one query.

    Its items are rows of LIST_COLUMNS plus `created_on` (a date, or its ISO text on
    SQLite) and `tag_list` (TAG_SEPARATOR-joined, or empty).
    """
    keys = SORTS[filters.sort]
    shape, params = _shape_and_params(filters, filters.size + 1)
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
