"""Money: exact Decimal sums in SQL on SQLite and PostgreSQL, half-up rounding, no floats."""

from decimal import Decimal

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, func, insert, select
from sqlalchemy.exc import StatementError

from cloudmanager.core.money import Money, format_money, round_money, to_decimal

ROWS = 100_000


@pytest.fixture
def amounts_table(db):
    """A test-only table with a Money column, created and dropped around the test."""
    table = Table(
        "test_money_amounts",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("amount", Money(), nullable=False),
        Column("unit_price", Money(scale=4)),
    )
    table.drop(db.engine, checkfirst=True)
    table.create(db.engine)
    try:
        yield table
    finally:
        db.session.rollback()
        table.drop(db.engine)


def awkward_amount(i: int) -> Decimal:
    """Cents that binary floats cannot hold (0.01, 0.07, 0.1 …), some negative, some large."""
    cents = (i * 7919) % 100_003 + (i % 7) * 1_000_000_000
    amount = Decimal(cents).scaleb(-2)
    return -amount if i % 5 == 0 else amount


def test_sum_of_100000_amounts_is_the_exact_decimal(db, amounts_table):
    rows = [{"amount": awkward_amount(i)} for i in range(ROWS)]
    expected = sum((row["amount"] for row in rows), Decimal("0"))
    db.session.execute(insert(amounts_table), rows)

    total = db.session.scalar(select(func.sum(amounts_table.c.amount)))

    assert isinstance(total, Decimal)
    assert total == expected
    assert str(total) == str(expected.quantize(Decimal("0.01")))
    float_total = sum(float(row["amount"]) for row in rows)
    assert Decimal(repr(float_total)) != expected  # the data really would drift as floats


def test_amounts_read_back_exactly_with_their_scale(db, amounts_table):
    db.session.execute(
        insert(amounts_table),
        [
            {"amount": Decimal("0.10"), "unit_price": Decimal("19.9999")},
            {"amount": "-7.05", "unit_price": None},
        ],
    )
    rows = db.session.execute(
        select(amounts_table.c.amount, amounts_table.c.unit_price).order_by(amounts_table.c.id)
    ).all()
    assert [tuple(map(str, row)) for row in rows] == [("0.10", "19.9999"), ("-7.05", "None")]


def test_money_column_refuses_floats_and_extra_decimals(db, amounts_table):
    with pytest.raises(StatementError) as error:
        db.session.execute(insert(amounts_table), [{"amount": 0.1}])
    assert isinstance(error.value.orig, TypeError)
    db.session.rollback()
    with pytest.raises(StatementError) as error:
        db.session.execute(insert(amounts_table), [{"amount": Decimal("1.005")}])
    assert "more than 2 decimals" in str(error.value.orig)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0.005", "0.01"),
        ("0.015", "0.02"),
        ("0.025", "0.03"),  # banker's rounding would give 0.02
        ("2.675", "2.68"),  # float(2.675) is 2.67499… and would round down
        ("-0.005", "-0.01"),
        ("-2.345", "-2.35"),
        ("1.994999", "1.99"),
        (Decimal("10"), "10.00"),
        (3, "3.00"),
    ],
)
def test_round_money_rounds_half_up_to_cents(value, expected):
    assert str(round_money(value)) == expected


def test_round_money_supports_other_scales():
    assert str(round_money("1.23455", places=4)) == "1.2346"


def test_floats_are_refused():
    with pytest.raises(TypeError):
        to_decimal(0.1)
    with pytest.raises(TypeError):
        round_money(2.675)


def test_garbage_is_not_an_amount():
    with pytest.raises(ValueError):
        to_decimal("12,50 EUR")


def test_format_money_groups_thousands_and_names_the_currency():
    assert format_money(Decimal("1234.5")) == "1,234.50 EUR"
    assert format_money(None, "USD") == "0.00 USD"
