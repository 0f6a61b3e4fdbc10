"""Shared API schemas: field types, the list envelope and the problem document.

The field types carry their limits into the OpenAPI document (ids fit the
database's integer, texts hold no NUL character PostgreSQL would refuse,
amounts are decimal strings), so what the document calls valid is what the
services can store.
"""

import re
from datetime import date, datetime, timezone
from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, EmailStr, Field, WithJsonSchema

T = TypeVar("T")

MAX_ID = 2**31 - 1
NO_NUL = r"^[^\x00]*$"


def _as_utc(value: datetime) -> datetime:
    """Database times are naive UTC; the API says so (`…Z`)."""
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value


FULL_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")


def _full_date(value):
    """Only `YYYY-MM-DD` (RFC 3339 full-date), not the other spellings Python accepts."""
    if isinstance(value, str):
        if not FULL_DATE.fullmatch(value):
            raise ValueError("Use a date like 2026-01-31.")
        return date.fromisoformat(value)
    return value


def _date_time(value):
    """Only an RFC 3339 date-time with its offset (`2026-01-31T12:00:00Z`)."""
    if isinstance(value, str):
        if not DATE_TIME.fullmatch(value):
            raise ValueError("Use a time like 2026-01-31T12:00:00Z.")
        return datetime.fromisoformat(value.replace("z", "Z"))
    return value


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Timestamp = Annotated[datetime, BeforeValidator(_as_utc)]
Day = Annotated[
    date, BeforeValidator(_full_date), WithJsonSchema({"type": "string", "format": "date"})
]
Instant = Annotated[
    datetime,
    BeforeValidator(_date_time),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
Email = Annotated[EmailStr, Field(max_length=254)]


def text(max_length: int, *, min_length: int = 0, description: str | None = None):
    """A string of at most `max_length` characters without NUL (optionally non-blank)."""
    pattern = r"^[^\x00]*[^\s\x00][^\x00]*$" if min_length else NO_NUL
    return Annotated[
        str,
        Field(
            min_length=min_length,
            max_length=max_length,
            pattern=pattern,
            description=description,
        ),
    ]


def decimal_string(places: int, digits: int = 10, *, description: str | None = None):
    """A non-negative decimal written as a string, e.g. "19.99" (never a binary float)."""
    return Annotated[
        str,
        Field(
            pattern=rf"^[0-9]{{1,{digits}}}(\.[0-9]{{1,{places}}})?$",
            description=description,
            examples=["19.99"],
        ),
    ]


Money = decimal_string(2, description="An amount with up to 2 decimals")
UnitPrice = decimal_string(4, description="A unit price with up to 4 decimals")
Quantity = decimal_string(3, 7, description="A quantity with up to 3 decimals")


class ApiModel(BaseModel):
    """Base of every API schema: reads attributes of ORM rows, refuses unknown fields."""

    model_config = ConfigDict(from_attributes=True, extra="forbid")


class BodyModel(ApiModel):
    """Base of request bodies: JSON types are taken strictly (`0` is not `false`)."""

    model_config = ConfigDict(from_attributes=True, extra="forbid", strict=True)


class ListQuery(ApiModel):
    """Cursor pagination parameters shared by every list."""

    cursor: text(2000) | None = Field(
        None, description="`next_cursor` of the previous page (with the same `sort`)"
    )
    limit: int = Field(50, ge=1, le=200, description="Rows per page")


class ListResponse(BaseModel, Generic[T]):
    """A page of rows and the cursor of the next page (null on the last)."""

    data: list[T]
    next_cursor: str | None = None


class FieldError(BaseModel):
    """One invalid field."""

    field: str
    message: str


class Problem(BaseModel):
    """An RFC 9457 problem document."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    errors: list[FieldError] | dict[str, str] | None = None


class Rendering(BaseModel):
    """A document that is being rendered: ask again at `location` after `retry_after` seconds."""

    status: str = "rendering"
    location: str
    retry_after: int
