"""Report filter choices that come from the data (currencies, product groups, departments…).

Reports are registered at import time, but these choices change with the
data, so they are read when a page iterates them (at most once per request).
"""

from collections.abc import Sequence
from typing import Callable, Iterator

from flask import g, has_request_context
from sqlalchemy import select

from cloudmanager.extensions import db

PERIODS = (("month", "Month"), ("quarter", "Quarter"), ("year", "Year"))
TOP_ROWS = (("25", "Top 25"), ("100", "Top 100"), ("1000", "Top 1,000"))


class LazyChoices(Sequence):
    """(value, label) pairs produced by `loader` when first read in a request."""

    def __init__(self, name: str, loader: Callable[[], list[tuple[str, str]]]):
        self.name = name
        self.loader = loader

    def _pairs(self) -> list[tuple[str, str]]:
        if not has_request_context():
            return self.loader()
        cache = g.setdefault("report_choices", {})
        if self.name not in cache:
            cache[self.name] = self.loader()
        return cache[self.name]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._pairs())

    def __len__(self) -> int:
        return len(self._pairs())

    def __getitem__(self, index):
        return self._pairs()[index]


def base_currency() -> str:
    """The currency the company keeps its books in (settings: locale.currency)."""
    from cloudmanager.settings.services import get_setting

    return str(get_setting("locale.currency") or "EUR")


def _currencies() -> list[tuple[str, str]]:
    from cloudmanager.customers.models import Customer

    codes = set(db.session.scalars(select(Customer.currency).distinct()))
    codes.add(base_currency())
    return [(code, code) for code in sorted(codes)]


def _product_groups() -> list[tuple[str, str]]:
    from cloudmanager.products.models import ProductGroup

    rows = db.session.execute(
        select(ProductGroup.id, ProductGroup.name).order_by(
            ProductGroup.position, ProductGroup.name
        )
    )
    return [(str(group_id), name) for group_id, name in rows]


CURRENCIES = LazyChoices("currencies", _currencies)
PRODUCT_GROUPS = LazyChoices("product_groups", _product_groups)

CURRENCY_FILTER = ("currency", "Currency", CURRENCIES)
PERIOD_FILTER = ("period", "Rows per", PERIODS)
TOP_FILTER = ("top", "Customers shown", TOP_ROWS)
DEFAULTS = {"currency": base_currency, "period": "month", "top": "100"}
