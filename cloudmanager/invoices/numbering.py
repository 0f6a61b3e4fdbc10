"""Gapless document numbers: a counter row per (series, year), locked inside the issuing transaction.

`allocate_number("invoice", on=date)` makes sure the counter row exists
(INSERT … ON CONFLICT DO NOTHING), locks it with SELECT … FOR UPDATE (on
SQLite the transaction's write lock serialises issuers instead), increments it
and returns the formatted number. Nothing is committed here: the caller's
transaction commits the counter together with the document, or rolls both back,
so a failure after the number was taken leaves no gap. The unique constraint
on each document table's number is the backstop.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import String, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column

from cloudmanager.extensions import db

SERIES = {
    # series → the setting holding its prefix
    "invoice": "invoicing.number_prefix",
    "credit_note": "invoicing.credit_note_prefix",
}


class NumberCounter(db.Model):
    """The last number handed out in a series (and year, when numbers restart yearly)."""

    __tablename__ = "number_counters"

    series: Mapped[str] = mapped_column(String(30), primary_key=True)
    period: Mapped[str] = mapped_column(String(10), primary_key=True)  # "2026", or "" for none
    last_number: Mapped[int] = mapped_column(default=0)


@dataclass(frozen=True)
class AllocatedNumber:
    """A number taken from a series: its text, its sequence and its period."""

    text: str
    sequence: int
    period: str


def period_for(on: date) -> str:
    """The counter period of a document dated `on`: its year when numbers restart yearly."""
    from cloudmanager.settings.services import get_setting

    return str(on.year) if get_setting("invoicing.yearly_reset") else ""


def render_number(series: str, sequence: int, on: date) -> str:
    """`INV-2026-00042` or `CN-00042`, per the invoicing settings (prefix, digits, reset)."""
    from cloudmanager.settings.services import format_invoice_number, get_setting

    return format_invoice_number(sequence, year=on.year, prefix=get_setting(SERIES[series]))


def dialect_insert(entity: Any):
    """INSERT with ON CONFLICT support for the bound database (PostgreSQL or SQLite)."""
    dialect = db.session.get_bind().dialect.name
    return (pg_insert if dialect == "postgresql" else sqlite_insert)(entity)


def _ensure_counter(series: str, period: str) -> None:
    """Create the counter row if missing, without failing when a concurrent issuer does too."""
    stmt = dialect_insert(NumberCounter).values(series=series, period=period, last_number=0)
    db.session.execute(stmt.on_conflict_do_nothing(index_elements=["series", "period"]))


def allocate_number(series: str, *, on: date) -> AllocatedNumber:
    """Take the next number of `series` for a document dated `on` (inside the caller's transaction)."""
    if series not in SERIES:
        raise KeyError(f"unknown number series {series!r}")
    period = period_for(on)
    _ensure_counter(series, period)
    counter = db.session.execute(
        select(NumberCounter)
        .where(NumberCounter.series == series, NumberCounter.period == period)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
    counter.last_number += 1
    db.session.flush()
    text = render_number(series, counter.last_number, on)
    return AllocatedNumber(text, counter.last_number, period)
