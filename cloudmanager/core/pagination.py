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
from typing import Any, Generic, Sequence, TypeVar

from sqlalchemy import Select, tuple_
from sqlalchemy.orm import InstrumentedAttribute

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
    order = [key.desc() for key in keys] if descending else list(keys)
    stmt = stmt.order_by(*order).limit(size + 1)
    rows = list(db.session.execute(stmt).scalars()) if scalars else read_rows(stmt)
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        last = rows[-1]
        next_cursor = encode_cursor([_key_value(last, key) for key in keys])
    return Page(items=rows, next_cursor=next_cursor, size=size)


def _key_value(row: Any, key: InstrumentedAttribute) -> Any:
    """The value of a sort key on a fetched row (ORM object or Row)."""
    name = key.key
    if hasattr(row, "_mapping") and name in row._mapping:
        return row._mapping[name]
    if hasattr(row, "_mapping"):
        row = row[0]
    return getattr(row, name)
