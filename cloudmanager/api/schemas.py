"""Shared API schemas: the list envelope and the problem document."""

from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class ApiModel(BaseModel):
    """Base of every API schema: reads attributes of ORM rows, refuses unknown fields."""

    model_config = ConfigDict(from_attributes=True, extra="forbid")


class ListQuery(ApiModel):
    """Cursor pagination parameters shared by every list."""

    cursor: str | None = Field(None, description="`next_cursor` of the previous page")
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
