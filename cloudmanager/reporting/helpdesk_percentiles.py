"""Medians and 90th percentiles of the stored business minutes, per breakdown, in SQL.

The method is PostgreSQL's `percentile_cont` (linear interpolation between
the two nearest ranks): for n sorted values v1 … vn and a fraction p = a/b,
h = p·(n − 1) and the percentile is v[1 + ⌊h⌋] + (h − ⌊h⌋)·(v[2 + ⌊h⌋] − v[1 + ⌊h⌋]),
rounded half-up to whole minutes. Both databases give the same numbers:

- PostgreSQL runs `percentile_cont` itself, every breakdown in one statement
  (GROUPING SETS). Its float result is exact to far below a minute: the true
  value is a multiple of 1/b, so rounding to 6 decimals first removes float
  noise before the half-up rounding.
- SQLite ranks the values with ROW_NUMBER/COUNT windows per breakdown and
  returns, per group, n and the two values around each percentile; the
  interpolation is then exact Decimal arithmetic on that one row per group.

The portable form runs on PostgreSQL too (the tests compare both there), but
it is several times slower at 200,000 tickets: a window sort per breakdown
against one sort and per-group aggregate sorts.
"""

from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import String, case, cast, func, literal, select, tuple_, union_all
from sqlalchemy.dialects.postgresql import array

from cloudmanager.extensions import db
from cloudmanager.reporting.helpdesk_queries import (
    GROUP_KEYS,
    METRICS,
    Measured,
    execute_report,
    measures_cte,
)

PERCENTILES = {"p50": (1, 2), "p90": (9, 10)}  # name: fraction a/b
MINUTE = Decimal(1)
NOISE = Decimal("0.000001")


def interpolate(n: int, a: int, b: int, low, high) -> Decimal:
    """percentile_cont's value from the ranks 1 + ⌊h⌋ and 2 + ⌊h⌋, rounded to minutes."""
    remainder = (n - 1) * a % b
    value = Decimal(low)
    if remainder:
        value += (Decimal(high) - Decimal(low)) * remainder / b
    return value.quantize(MINUTE, rounding=ROUND_HALF_UP)


def from_float(value: float) -> Decimal:
    """A percentile_cont result as whole minutes, half-up, without float noise."""
    return Decimal(value).quantize(NOISE).quantize(MINUTE, rounding=ROUND_HALF_UP)


def _ranks_by(measures, breakdown: str):
    """Per (metric, group) of one breakdown: n and the two values around each percentile."""
    key = measures.c[GROUP_KEYS[breakdown]] if breakdown in GROUP_KEYS else None
    partition = (measures.c.metric,) if key is None else (measures.c.metric, key)
    ranked = select(
        *partition,
        measures.c.minutes,
        func.row_number().over(partition_by=partition, order_by=measures.c.minutes).label("rn"),
        func.count().over(partition_by=partition).label("n"),
    ).subquery()
    group = literal("") if key is None else cast(ranked.c[key.name], String)
    columns = [literal(breakdown), ranked.c.metric, group, func.max(ranked.c.n)]
    for a, b in PERCENTILES.values():
        low_rank = 1 + (ranked.c.n - 1) * a // b
        columns.append(func.max(case((ranked.c.rn == low_rank, ranked.c.minutes))))
        columns.append(func.max(case((ranked.c.rn == low_rank + 1, ranked.c.minutes))))
    grouping = [ranked.c.metric] + ([] if key is None else [ranked.c[key.name]])
    return select(*columns).group_by(*grouping)


def portable_percentiles(start, end, filters, breakdowns) -> dict:
    """{(metric, breakdown, group): Measured} with window functions (SQLite, and PostgreSQL)."""
    measures = measures_cte(start, end, filters)
    stmt = union_all(*(_ranks_by(measures, name) for name in ("all", *breakdowns)))
    found, metrics = {}, list(METRICS)
    for breakdown, metric, grp, n, *ranks in execute_report(stmt):
        measured = Measured(count=int(n))
        for index, (name, (a, b)) in enumerate(PERCENTILES.items()):
            low, high = ranks[2 * index], ranks[2 * index + 1]
            setattr(measured, name, interpolate(int(n), a, b, low, high))
        found[(metrics[metric], breakdown, grp or "")] = measured
    return found


def postgresql_percentiles(start, end, filters, breakdowns) -> dict:
    """{(metric, breakdown, group): Measured} with percentile_cont over GROUPING SETS."""
    measures = measures_cte(start, end, filters)
    chosen = [name for name in GROUP_KEYS if name in breakdowns]
    keys = [measures.c[GROUP_KEYS[name]] for name in chosen]
    fractions = array([a / b for a, b in PERCENTILES.values()])
    sets = [tuple_(measures.c.metric)] + [tuple_(measures.c.metric, key) for key in keys]
    stmt = select(
        measures.c.metric,
        *keys,
        func.grouping(*keys) if keys else literal(0),
        func.count(),
        func.percentile_cont(fractions).within_group(measures.c.minutes),
    ).group_by(func.grouping_sets(*sets))
    # GROUPING() sets a bit per key left out of the row's set, the first key highest.
    every = (1 << len(keys)) - 1
    sets_by_bits = {every: "all"} | {
        every - (1 << (len(keys) - 1 - i)): name for i, name in enumerate(chosen)
    }
    found, metrics = {}, list(METRICS)
    for metric, *values, grouping, n, percentiles in execute_report(stmt):
        breakdown = sets_by_bits[grouping]
        group = values[chosen.index(breakdown)] if breakdown in chosen else None
        measured = Measured(count=int(n))
        for name, value in zip(PERCENTILES, percentiles):
            setattr(measured, name, from_float(value))
        found[(metrics[metric], breakdown, "" if group is None else str(group))] = measured
    return found


def response_times(start, end, filters, breakdowns) -> dict:
    """{(metric, breakdown, group): Measured with count, median and p90}, one statement."""
    if db.session.get_bind().dialect.name == "postgresql":
        return postgresql_percentiles(start, end, filters, breakdowns)
    return portable_percentiles(start, end, filters, breakdowns)
