"""Shared by the customer rankings: the top rows with the totals of all, shares, labels."""

from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import Integer, cast, func, select

from cloudmanager.customers.models import Customer

HUNDRED = Decimal(100)


def others_label(count: int) -> str:
    """The label of the row that folds customers beyond the top ones."""
    return f"{count:,} other customer{'s' if count != 1 else ''}"


def share(part: Decimal, whole: Decimal) -> Decimal | None:
    """`part` as a percentage of `whole` (None when there is no whole)."""
    if not whole:
        return None
    return (part * HUNDRED / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# --- by product --------------------------------------------------------------------------


def ranked(sums, amounts: tuple[str, ...], limit: int):
    """The `limit` rows of `sums` with the largest `sort_key`, each with the totals of all rows.

    One pass: the window sums are taken over every row before the LIMIT, and only
    the rows kept are joined with their customer (its number and name).
    """
    totals = [func.count().over().label("all_customers")]
    for key in amounts:
        total = func.sum(sums.c[key]).over()
        if isinstance(sums.c[key].type, Integer):  # PostgreSQL sums integers as NUMERIC
            total = cast(total, Integer)
        totals.append(total.label(f"all_{key}"))
    order = (sums.c.sort_key.desc(), sums.c.customer_id)
    top = select(sums, *totals).order_by(*order).limit(limit).subquery()
    return (
        select(top, Customer.number, Customer.name)
        .join(Customer, Customer.id == top.c.customer_id)
        .order_by(top.c.sort_key.desc(), top.c.customer_id)
    )


def fold_rest(shown: list, amounts: tuple[str, ...]) -> tuple[int, dict]:
    """(customers not shown, their sums) from the window totals every shown row carries."""
    if not shown:
        return 0, {}
    first = shown[0]
    rest = {key: first[f"all_{key}"] - sum(row[key] for row in shown) for key in amounts}
    return first["all_customers"] - len(shown), rest
