"""The money engine: rounding rules, tax per rate, reverse charge, and exact Decimals."""

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cloudmanager.invoices.calculation import (
    REVERSE_CHARGE_NOTE,
    AmountError,
    LineInput,
    balance_due,
    compute_totals,
    line_net,
    parse_quantity,
    parse_rate,
    parse_unit_price,
)

D = Decimal


def test_line_net_rounds_half_up_to_cents():
    assert line_net(D("1"), D("0.005")) == D("0.01")
    assert line_net(D("3"), D("0.3350")) == D("1.01")  # 1.005 → 1.01, not banker's 1.00
    assert line_net(D("2.5"), D("10.0000"), D("1.25")) == D("23.75")


def test_tax_is_computed_once_per_rate_on_the_sum_of_its_line_nets():
    # Three lines of 0.05 at 19%: per line the tax would be 0.01 each (0.03);
    # on the sum (0.15) it is 0.0285 → 0.03. With 0.03 lines: per line 0.01 × 3,
    # on the sum 0.09 × 19% = 0.0171 → 0.02. The rule is the sum.
    lines = [LineInput(D("1"), D("0.03"), D("19"))] * 3
    totals = compute_totals(lines)
    assert totals.net == D("0.09")
    assert totals.tax == D("0.02")
    assert totals.gross == D("0.11")


def test_each_rate_has_its_own_tax_group():
    lines = [
        LineInput(D("1"), D("100"), D("19")),
        LineInput(D("2"), D("10"), D("7")),
        LineInput(D("1"), D("5"), D("19")),
    ]
    totals = compute_totals(lines)
    groups = {(g.rate, g.category): (g.taxable, g.tax) for g in totals.tax_groups}
    assert groups == {
        (D("19.00"), "S"): (D("105.00"), D("19.95")),
        (D("7.00"), "S"): (D("20.00"), D("1.40")),
    }
    assert totals.tax == D("21.35") and totals.gross == D("146.35")


def test_reverse_charge_lines_are_taxed_at_zero_with_the_legal_note():
    totals = compute_totals([LineInput(D("1"), D("100"), D("19"), reverse_charge=True)])
    assert totals.tax == D("0.00")
    assert totals.tax_groups[0].category == "AE" and totals.tax_groups[0].rate == D("0.00")
    assert totals.notes == (REVERSE_CHARGE_NOTE,)


def test_a_float_is_refused_anywhere_in_the_money_path():
    with pytest.raises(TypeError):
        LineInput(1.5, D("1"), D("19"))
    with pytest.raises(TypeError):
        line_net(D("1"), 0.1)
    with pytest.raises(TypeError):
        balance_due(D("1"), [0.5])
    with pytest.raises(TypeError):
        parse_unit_price(0.1)


@pytest.mark.parametrize(
    "parser, value",
    [
        (parse_quantity, "1.2345"),
        (parse_quantity, "0"),
        (parse_quantity, "-1"),
        (parse_unit_price, "1.00001"),
        (parse_unit_price, "abc"),
        (parse_unit_price, "NaN"),
        (parse_rate, "100.01"),
        (parse_rate, "-1"),
    ],
)
def test_parsers_refuse_bad_input_with_a_message(parser, value):
    with pytest.raises(AmountError):
        parser(value)


def test_parsers_accept_a_decimal_comma():
    assert parse_unit_price("12,5") == D("12.5")
    assert parse_quantity("1.250") == D("1.250")


# --- property test ---------------------------------------------------------------------

quantities = st.decimals(min_value=D("0.001"), max_value=D("10000"), places=3)
prices = st.decimals(min_value=D("0"), max_value=D("100000"), places=4)
rates = st.sampled_from([D("0"), D("5"), D("7"), D("10"), D("19"), D("20"), D("21"), D("25.5")])


@st.composite
def lines(draw):
    quantity, price = draw(quantities), draw(prices)
    gross_line = (quantity * price).quantize(D("0.01"), rounding="ROUND_DOWN")
    discount = draw(st.decimals(min_value=D("0"), max_value=gross_line, places=2))
    return LineInput(quantity, price, draw(rates), discount, reverse_charge=draw(st.booleans()))


@st.composite
def documents(draw):
    invoice = draw(st.lists(lines(), min_size=1, max_size=12))
    # A credit note takes some of the invoice's lines with part of their quantity.
    credited = []
    for line in invoice:
        if draw(st.booleans()):
            part = draw(st.decimals(min_value=D("0.001"), max_value=line.quantity, places=3))
            credited.append(
                LineInput(part, line.unit_price, line.tax_rate, D("0"), line.reverse_charge)
            )
    cents = st.integers(min_value=0, max_value=10**9).map(lambda c: D(c).scaleb(-2))
    payments = draw(st.lists(cents, max_size=5))
    return invoice, credited, payments


def _assert_decimal(value):
    assert type(value) is Decimal, (value, type(value))


def half_up_cents(value: Fraction) -> int:
    """`value` in whole cents, a half cent away from zero: integers only, no Decimal."""
    whole = math.floor(abs(value) * 100 + Fraction(1, 2))
    return whole if value >= 0 else -whole


def exact_cents(lines) -> tuple[list[int], dict[tuple, int], int]:
    """Line nets, tax per (rate, reverse charge) and gross, in cents, from exact fractions."""
    nets = [
        half_up_cents(Fraction(line.quantity) * Fraction(line.unit_price) - Fraction(line.discount))
        for line in lines
    ]
    taxable: dict[tuple, int] = {}
    for line, net in zip(lines, nets):
        key = (Fraction(0) if line.reverse_charge else Fraction(line.tax_rate), line.reverse_charge)
        taxable[key] = taxable.get(key, 0) + net
    taxes = {
        key: half_up_cents(Fraction(cents, 100) * key[0] / 100) for key, cents in taxable.items()
    }
    return nets, taxes, sum(nets) + sum(taxes.values())


def in_cents(value: Decimal) -> int:
    assert value == value.quantize(D("0.01")), value
    return int(value * 100)


@settings(max_examples=2000, deadline=None)
@given(documents())
def test_no_random_invoice_or_credit_note_breaks_the_totals_rules(document):
    invoice_lines, credit_lines, payments = document
    invoice = compute_totals(invoice_lines)
    credit = compute_totals(credit_lines)
    for lines, totals in ((invoice_lines, invoice), (credit_lines, credit)):
        for value in (*totals.line_nets, totals.net, totals.tax, totals.gross):
            _assert_decimal(value)
        for group in totals.tax_groups:
            _assert_decimal(group.taxable)
            _assert_decimal(group.tax)
        # The same rules in integer cents over exact fractions, independent of the engine.
        nets, taxes, gross = exact_cents(lines)
        assert [in_cents(net) for net in totals.line_nets] == nets
        groups = {(Fraction(g.rate), g.reverse_charge): in_cents(g.tax) for g in totals.tax_groups}
        assert groups == taxes
        assert in_cents(totals.gross) == gross
        assert sum(totals.line_nets, D("0")) == totals.net
        assert sum((g.taxable for g in totals.tax_groups), D("0")) == totals.net
        assert sum((g.tax for g in totals.tax_groups), D("0")) == totals.tax
        assert totals.net + totals.tax == totals.gross
        assert all(g.tax == 0 for g in totals.tax_groups if g.reverse_charge)
    # What is owed, in cents: the invoice's exact gross less each payment and the credit note.
    balance = balance_due(invoice.gross, payments, [credit.gross])
    _assert_decimal(balance)
    owed = (
        exact_cents(invoice_lines)[2] - sum(map(in_cents, payments)) - exact_cents(credit_lines)[2]
    )
    assert in_cents(balance) == owed
