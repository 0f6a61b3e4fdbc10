"""Billing-period arithmetic: periods anchored on a start date, contiguous, month-end safe.

Period n of a service starts `n × cycle months` after its anchor, on the
anchor's day of month, or on the last day of a shorter month: anchored on
Jan 31, periods start Feb 28 (29 in leap years), then Mar 31, Apr 30 …
Computing every start from the anchor (never from the previous start) keeps
the day from drifting, and each period ends the day before the next starts,
so periods never overlap or leave a gap.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from cloudmanager.core.money import round_money, to_decimal

CYCLE_MONTHS = {"monthly": 1, "quarterly": 3, "semiannual": 6, "annual": 12}


def add_months(anchor: date, months: int) -> date:
    """`anchor` moved by `months`, clamped to the last day of a shorter month."""
    index = anchor.year * 12 + (anchor.month - 1) + months
    year, month = divmod(index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(anchor.day, last_day))


def cycle_months(cycle: str) -> int:
    """How many months one period of `cycle` lasts; ValueError for unknown cycles."""
    try:
        return CYCLE_MONTHS[cycle]
    except KeyError:
        raise ValueError(f"unknown billing cycle {cycle!r}") from None


@dataclass(frozen=True)
class Period:
    """One billing period: `start` and `end` inclusive, and its number from the anchor."""

    index: int
    start: date
    end: date

    @property
    def days(self) -> int:
        """Length of the period in days."""
        return (self.end - self.start).days + 1

    @property
    def next_start(self) -> date:
        """The first day of the following period."""
        return self.end + timedelta(days=1)


def period(anchor: date, cycle: str, index: int) -> Period:
    """Period number `index` (0 = the first) of a service anchored on `anchor`."""
    if index < 0:
        raise ValueError("period index cannot be negative")
    months = cycle_months(cycle)
    start = add_months(anchor, months * index)
    end = add_months(anchor, months * (index + 1)) - timedelta(days=1)
    return Period(index, start, end)


def period_containing(anchor: date, cycle: str, day: date) -> Period:
    """The period of `anchor`/`cycle` that contains `day` (which must not precede the anchor)."""
    if day < anchor:
        raise ValueError("the day is before the first period")
    months = cycle_months(cycle)
    elapsed = (day.year - anchor.year) * 12 + (day.month - anchor.month)
    index = max(elapsed // months - 1, 0)
    current = period(anchor, cycle, index)
    while current.end < day:
        current = period(anchor, cycle, current.index + 1)
    return current


def monthly_amount(period_total, cycle: str) -> Decimal:
    """What a period's price comes to per month (the service's MRR), half-up to cents.

    The period is invoiced as its total rounded to cents; that is spread evenly
    over the cycle's months (an annual 106.80 is 8.90 a month).
    """
    return round_money(round_money(period_total) / Decimal(cycle_months(cycle)))


def prorate(amount, span: Period, from_day: date) -> Decimal:
    """The part of `amount` for the days from `from_day` to the end of `span`, half-up to cents.

    `from_day` inside the period counts itself; before the period, the whole
    amount; after it, nothing.
    """
    amount = to_decimal(amount)
    if from_day <= span.start:
        return round_money(amount)
    if from_day > span.end:
        return round_money(Decimal(0))
    remaining = (span.end - from_day).days + 1
    return round_money(amount * Decimal(remaining) / Decimal(span.days))
