"""Credit-note arithmetic: closing discounts, parts never below zero, each rate's last cent.

The property test (`test_balance_property.py`) found the two faults the middle tests pin:
a rate's last tax cent went only to the note that credited the whole invoice, and a part
of a discounted line could be worth less than nothing.
"""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.invoices.conftest import line

D = Decimal


def test_closing_discount_lands_the_net_exactly_on_the_target():
    from cloudmanager.invoices.calculation import line_net
    from cloudmanager.invoices.credit_parts import closing_discount

    # 0.010 × 0.5000 = 0.005 → net 0.01; rounding 0.005 − 0.01 on its own gave 0.02.
    cases = [
        ("0.005", "0.01"),
        ("0.015", "0.02"),
        ("1.004", "0.99"),
        ("0.0049", "0.00"),
        ("10", "3.33"),
    ]
    for amount, target in cases:
        amount, target = Decimal(amount), Decimal(target)
        assert line_net(amount, Decimal(1), closing_discount(amount, target)) == target


def test_crediting_every_line_on_its_own_leaves_nothing_owed(db, vat, make_issued, admin):
    from cloudmanager.invoices.credit_notes import create_credit_note

    # 19 %: 0.02 + 0.02 → tax 0.0076 → 0.01 for the invoice, but 0.0038 → 0.00 per line;
    # the 7 % line is credited last, so only the note that uses up the 19 % lines can take
    # the 19 % cent (it went nowhere when only a note crediting everything left took it).
    reduced = str(vat["reduced"].id)
    invoice = make_issued(
        [line(unit_price="0.02"), line(unit_price="0.02"), line(tax_rate_id=reduced)]
    )
    for invoice_line in invoice.lines:
        quantities = {invoice_line.id: "1"}
        create_credit_note(invoice, {"quantities": quantities, "reason": "p"}, by=admin)
        db.session.commit()
    assert [note.tax_total for note in invoice.credit_notes] == [D("0.00"), D("0.01"), D("7.00")]
    assert sum(note.tax_total for note in invoice.credit_notes) == invoice.tax_total
    assert invoice.balance == D("0.00") and invoice.status == "paid"


def test_a_part_of_a_discounted_line_never_credits_less_than_nothing(db, make_issued, admin):
    from cloudmanager.invoices.credit_notes import create_credit_note

    # 1 of 2 × 0.005 with a 0.01 discount: 0.005 − round(0.005) = −0.005 → −0.01.
    invoice = make_issued([line(quantity="2", unit_price="0.005", discount="0.01"), line()])
    quantities = {invoice.lines[0].id: "1"}
    note = create_credit_note(invoice, {"quantities": quantities, "reason": "p"}, by=admin)
    db.session.commit()
    assert note.gross_total >= 0
    assert invoice.balance <= invoice.gross_total
    (part,) = note.lines
    assert part.net == D("0.00") and part.discount <= part.quantity * part.unit_price
    rest = create_credit_note(invoice, {"all": True, "reason": "p"}, by=admin)
    db.session.commit()
    assert all(part.net >= 0 for part in rest.lines) and rest.gross_total == D("119.00")
    assert invoice.balance == D("0.00")


def test_the_last_unit_of_a_half_cent_line_is_credited_at_zero_not_below(db, make_issued, admin):
    from cloudmanager.invoices.credit_notes import create_credit_note

    # 3 × 0.005 = 0.015 → 0.02; 1 + 1 credit 0.01 each (0.005 rounds up), so the last unit
    # is worth 0.00, and no cent discount takes 0.005 to 0.00 (it showed 0.01, net −0.01).
    invoice = make_issued([line(quantity="3", unit_price="0.005"), line()])
    notes = []
    for _ in range(3):
        quantities = {invoice.lines[0].id: "1"}
        notes.append(
            create_credit_note(invoice, {"quantities": quantities, "reason": "p"}, by=admin)
        )
        db.session.commit()
    assert [note.net_total for note in notes] == [D("0.01"), D("0.01"), D("0.00")]
    last = notes[-1].lines[0]
    assert last.discount == D("0.00") and notes[-1].gross_total == D("0.00")
    assert invoice.balance == invoice.gross_total - D("0.02")


def test_the_note_that_credits_a_rates_last_cent_of_net_takes_its_last_tax_cent(
    db, vat, make_issued, admin
):
    from cloudmanager.invoices.credit_notes import create_credit_note

    # 19 %: 3 × 0.005 (0.02) and 0.02 → tax 0.0076 → 0.01. Once the 0.02 line and two units
    # of the other are credited, the 19 % net is all credited: that note takes the cent,
    # and the third unit, worth 0.00, takes no tax.
    reduced = str(vat["reduced"].id)
    invoice = make_issued(
        [
            line(quantity="3", unit_price="0.005"),
            line(unit_price="0.02"),
            line(tax_rate_id=reduced),
        ]
    )
    half_cents, other, _ = (invoice_line.id for invoice_line in invoice.lines)
    for quantities in ({other: "1"}, {half_cents: "1"}, {half_cents: "1"}, {half_cents: "1"}):
        create_credit_note(invoice, {"quantities": quantities, "reason": "p"}, by=admin)
        db.session.commit()
    taxes = [(note.net_total, note.tax_total) for note in invoice.credit_notes]
    assert taxes == [(D("0.02"), D("0")), (D("0.01"), D("0")), (D("0.01"), D("0.01")), (0, 0)]
    create_credit_note(invoice, {"all": True, "reason": "p"}, by=admin)
    db.session.commit()
    assert sum(note.tax_total for note in invoice.credit_notes) == invoice.tax_total
    assert invoice.balance == D("0.00") and invoice.status == "paid"


def test_crediting_amounts_line_by_line_gives_each_rate_its_last_cent(db, vat, make_issued, admin):
    from cloudmanager.invoices.credit_notes import credit_line_amounts

    # As above, through the plan changes' credit by amount (orders/change_documents.py).
    reduced = str(vat["reduced"].id)
    invoice = make_issued(
        [line(unit_price="0.02"), line(unit_price="0.02"), line(tax_rate_id=reduced)]
    )
    for invoice_line in invoice.lines:
        credit_line_amounts(invoice, {invoice_line.id: invoice_line.net}, reason="p", by=admin)
        db.session.commit()
    assert [note.tax_total for note in invoice.credit_notes] == [D("0.00"), D("0.01"), D("7.00")]
    assert invoice.balance == D("0.00") and invoice.status == "paid"


@given(
    amount=st.decimals(min_value=D("0"), max_value=D("1000"), places=7),
    net=st.one_of(st.just(D("0.00")), st.decimals(min_value=D("0"), max_value=D("1000"), places=2)),
)
def test_a_shown_discount_never_exceeds_the_amount_and_lands_on_the_net_where_a_cent_can(
    amount, net
):
    from cloudmanager.invoices.calculation import line_net
    from cloudmanager.invoices.credit_parts import shown_discount

    discount = shown_discount(amount, net)
    assert discount <= amount and discount == discount.quantize(D("0.01"))
    # Only a part worth 0.00 with half a cent or more has no cent discount that fits.
    no_fit = net == 0 and amount % D("0.01") >= D("0.005")
    assert (line_net(amount, 1, discount) == net) is not no_fit


@st.composite
def lines_and_parts(draw):
    """A line as the editor allows it (discount up to its amount) and parts of its quantity.

    Whole quantities, half-cent prices and whole-unit parts often, so that roundings tie.
    """
    quantity = draw(
        st.one_of(
            st.integers(1, 20).map(D),
            st.decimals(min_value=D("0.001"), max_value=D("50"), places=3),
        )
    )
    price = draw(
        st.one_of(
            st.integers(0, 4000).map(lambda n: D(n) / 200),
            st.decimals(min_value=D("0"), max_value=D("100"), places=4),
        )
    )
    most = int(quantity * price * 100)
    discount = D(draw(st.one_of(st.just(most), st.integers(0, most)))).scaleb(-2)
    units = st.integers(1, 5).map(D)
    permille = st.integers(1, 999).map(
        lambda n: (quantity * n / 1000).quantize(D("0.001"), "ROUND_DOWN")
    )
    parts = draw(st.lists(st.one_of(units, permille), max_size=6))
    return quantity, price, discount, parts


@settings(max_examples=500)
@given(lines_and_parts())
def test_the_parts_of_a_line_are_never_below_zero_and_add_up_to_it(case):
    from types import SimpleNamespace

    from cloudmanager.invoices.calculation import line_net
    from cloudmanager.invoices.credit_parts import part_net, shown_discount

    quantity, price, discount, parts = case
    line = SimpleNamespace(
        quantity=quantity,
        unit_price=price,
        discount=discount,
        net=line_net(quantity, price, discount),
    )
    done = (D("0.000"), D("0.00"))
    for part in [p for p in parts if p > 0] + [None]:  # None: the rest of the line
        left = quantity - done[0]
        part = left if part is None or part >= left else part
        net = part_net(line, part, done)
        assert D("0.00") <= net <= line.net - done[1]
        assert shown_discount(part * price, net) <= part * price
        done = (done[0] + part, done[1] + net)
        if done[0] == quantity:
            break
    assert done == (quantity, line.net)
