"""Lists of the API: `sort` options, keyset pages and signed, opaque cursors.

A cursor wraps the keyset cursor of `core.pagination` with the list and the
sort it was made for and signs them, so a tampered cursor, or one of another
list or sort, is refused with a 422 naming the `cursor` field instead of
reaching SQL.
"""

from typing import Any, Literal, Sequence

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeSerializer
from pydantic import Field
from sqlalchemy import Select

from cloudmanager.api.schemas import ListResponse
from cloudmanager.core.errors import ValidationFailed
from cloudmanager.core.pagination import Page, keyset_page

SALT = "cloudmanager.api.cursor"
SORT_HELP = "Sort key; a leading `-` sorts descending."


def sort_type(names: Sequence[str]) -> Any:
    """The values of a `sort` field: each name ascending, or descending with a leading `-`."""
    return Literal[tuple(option for name in names for option in (name, "-" + name))]


def sort_param(default: str) -> Any:
    """The `sort` field's default and description."""
    return Field(default, description=SORT_HELP)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def open_cursor(token: str | None, sort: str) -> str | None:
    """The keyset cursor inside `token`, if it was made by us for this list and `sort`."""
    if not token:
        return None
    try:
        data = _serializer().loads(token)
    except BadSignature:
        message = "This cursor is not valid; start from the first page."
        raise ValidationFailed({"cursor": message}) from None
    if not isinstance(data, dict) or data.get("list") != [request.path, sort]:
        raise ValidationFailed({"cursor": "This cursor belongs to another list or sort order."})
    return str(data["after"])


def seal_cursor(after: str | None, sort: str) -> str | None:
    """An opaque cursor for the page after `after` in this `sort`."""
    return _serializer().dumps({"list": [request.path, sort], "after": after}) if after else None


def sorted_page(stmt: Select, query: Any, sorts: dict[str, Sequence[Any]]) -> Page:
    """One keyset page of `stmt` in `query.sort` (keys from `sorts`), with a sealed cursor."""
    name = query.sort.lstrip("-")
    page = keyset_page(
        stmt,
        list(sorts[name]),
        cursor=open_cursor(query.cursor, query.sort),
        size=query.limit,
        descending=query.sort.startswith("-"),
    )
    page.next_cursor = seal_cursor(page.next_cursor, query.sort)
    return page


def listing(model: Any, page: Page, next_cursor: str | None = None) -> Any:
    """The list envelope of `page`'s rows, each made with `model.of(row)`."""
    return ListResponse[model](
        data=[model.of(row) for row in page.items],
        next_cursor=next_cursor if next_cursor is not None else page.next_cursor,
    )
