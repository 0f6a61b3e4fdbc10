"""Keyset pagination: pages cost the same at row 10 and at row 1,000,000.

A page is fetched with `WHERE (sort_key, id) > (:last_sort_key, :last_id)
ORDER BY sort_key, id LIMIT n + 1`; the extra row tells whether a next page
exists. The cursor is an opaque, URL-safe token of the last row's keys.
"""

import base64
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Generic, Mapping, Sequence, TypeVar

from sqlalchemy import ColumnElement, Select, bindparam, tuple_
from sqlalchemy.orm import InstrumentedAttribute
from werkzeug.datastructures import MultiDict

from cloudmanager.core.database import read_rows
from cloudmanager.extensions import db

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 200


@dataclass
class Page(Generic[T]):
    """One page of rows and the cursor of the next page (None on the last)."""

    items: Sequence[T]
    next_cursor: str | None
    size: int

    @property
    def has_next(self) -> bool:
        """True when another page follows."""
        return self.next_cursor is not None


def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    if isinstance(value, Decimal):
        return {"n": str(value)}
    return value


def _decode_value(value: Any) -> Any:
    if isinstance(value, dict):
        if "dt" in value:
            return datetime.fromisoformat(value["dt"])
        if "d" in value:
            return date.fromisoformat(value["d"])
        if "n" in value:
            return Decimal(value["n"])
    return value


def encode_cursor(values: Sequence[Any]) -> str:
    """Turn the sort keys of a row into a URL-safe token."""
    raw = json.dumps([_encode_value(v) for v in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(token: str | None, width: int) -> list[Any] | None:
    """Read a token made by `encode_cursor`; a malformed token means page one."""
    if not token:
        return None
    try:
        padded = token + "=" * (-len(token) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError):
        return None
    if not isinstance(values, list) or len(values) != width:
        return None
    return [_decode_value(v) for v in values]


def list_args(args: Mapping[str, Any]) -> Mapping[str, Any]:
    """A list page's query arguments as a plain dict (first value of each), to read with `.get`.

    werkzeug's `MultiDict.get` raises and catches an HTTP error for every missing key
    (1.2 µs each), and a list's filters ask for several that are usually absent.
    """
    return args.to_dict() if isinstance(args, MultiDict) else args


def clamp_page_size(value: Any, default: int = DEFAULT_PAGE_SIZE) -> int:
    """A page size from user input, kept between 1 and MAX_PAGE_SIZE."""
    try:
        size = int(value)
    except (TypeError, ValueError):
        return default
    return max(1, min(size, MAX_PAGE_SIZE))


def keyset_page(
    stmt: Select,
    keys: Sequence[InstrumentedAttribute],
    *,
    cursor: str | None = None,
    size: int = DEFAULT_PAGE_SIZE,
    descending: bool = False,
    scalars: bool = True,
) -> Page:
    """Fetch one page of `stmt` ordered by `keys` (the last key must be unique).

    `scalars=False` is for column SELECTs: the page's items are plain rows.
    """
    after = decode_cursor(cursor, len(keys))
    if after is not None:
        row_keys = tuple_(*keys)
        stmt = stmt.where(row_keys < tuple_(*after) if descending else row_keys > tuple_(*after))
    stmt = stmt.order_by(*keyset_order(keys, descending)).limit(size + 1)
    rows = list(db.session.execute(stmt).scalars()) if scalars else read_rows(stmt)
    return page_of_rows(rows, keys, size)


def keyset_order(keys: Sequence[InstrumentedAttribute], descending: bool = False) -> list[Any]:
    """The ORDER BY of a keyset page."""
    return [key.desc() for key in keys] if descending else list(keys)


def keyset_after(
    keys: Sequence[InstrumentedAttribute], descending: bool = False
) -> ColumnElement[bool]:
    """`(keys) > (:after_0, …)` with bound parameters, for a statement built once.

    Pair it with `cursor_params`; a statement built per request spends more on
    building (and keying its compiled form) than SQLite spends running it.
    """
    row_keys = tuple_(*keys)
    bound = tuple_(*(bindparam(f"after_{i}", type_=key.type) for i, key in enumerate(keys)))
    return row_keys < bound if descending else row_keys > bound


def cursor_params(
    cursor: str | None, keys: Sequence[InstrumentedAttribute]
) -> dict[str, Any] | None:
    """The `keyset_after` parameters of a cursor; None for page one.

    A cursor whose values do not have the keys' types (edited by hand) means
    page one too, rather than a type error from the database.
    """
    after = decode_cursor(cursor, len(keys))
    if after is None:
        return None
    for key, value in zip(keys, after):
        expected = key.type.python_type
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            return None
    return {f"after_{i}": value for i, value in enumerate(after)}


def page_of_rows(rows: Sequence[Any], keys: Sequence[InstrumentedAttribute], size: int) -> Page:
    """A page of `rows` read with LIMIT size + 1: the extra row means a next page."""
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        next_cursor = encode_cursor([_key_value(rows[-1], key) for key in keys])
    return Page(items=rows, next_cursor=next_cursor, size=size)


def _key_value(row: Any, key: InstrumentedAttribute) -> Any:
    """The value of a sort key on a fetched row (ORM object or Row)."""
    name = key.key
    if hasattr(row, "_mapping") and name in row._mapping:
        return row._mapping[name]
    if hasattr(row, "_mapping"):
        row = row[0]
    return getattr(row, name)
