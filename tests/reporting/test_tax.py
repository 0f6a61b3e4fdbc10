"""The tax report against hand-worked invoices (German VAT 19 % / 7 %; C is Austrian: reverse charge).

    t1 A 2026-01-15  100.00 + 0.03 @19 → tax 19.0057 → 19.01;  2 × 10.00 @7 → 1.40
    t2 B 2026-02-03   50.00 + 0.03 @19 → tax  9.5057 →  9.51
    t3 C 2026-02-10  500.00 reverse charge
    t5 B 2026-03-01 1000.00 @19, voided
    CN on t1, one of the 7 % lines, 2026-03-05: base 10.00, tax 0.70
    t4 B 2026-04-02   10.00 @19 → 1.90
    CN on t3, all of it, 2026-04-10: reverse charge −500.00

Q1 at 19 %: base 150.06, tax 19.01 + 9.51 = 28.52 (tax per invoice, as printed: one
rounding over both invoices would give 28.51).
"""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.fixtures.finance import run_report

D = Decimal
H1 = (date(2026, 1, 1), date(2026, 6, 30))


@pytest.fixture
def invoices(make_customer, issue, credit, void):
    """The invoices and credit notes of the module docstring."""
    a, b = make_customer("Alpha GmbH"), make_customer("Beta GmbH")
    c = make_customer("Gamma GmbH", country="AT", vat_id="ATU12345678")
    t1 = issue(
        a,
        date(2026, 1, 15),
        [(1, "100.00", None, None), (1, "0.03", None, None), (2, "10.00", "reduced", None)],
    )
    issue(b, date(2026, 2, 3), [(1, "0.03", None, None), (1, "50.00", None, None)])
    t3 = issue(c, date(2026, 2, 10), [(1, "500.00", None, None)])
    void(issue(b, date(2026, 3, 1), [(1, "1000.00", None, None)]))
    credit(t1, date(2026, 3, 5), lines={2: "1"})
    issue(b, date(2026, 4, 2), [(1, "10.00", None, None)])
    credit(t3, date(2026, 4, 10))


def cells(row) -> tuple:
    """(period, tax, rate, invoiced base, invoiced tax, credited base, credited tax, base, tax)."""
    keys = "period tax rate sales_base sales_tax credited_base credited_tax net_base net_tax"
    return tuple(row.get(key) for key in keys.split())


def test_tax_per_rate_and_quarter(invoices):
    result = run_report("tax", *H1, period="quarter")
    assert [cells(row) for row in result.rows] == [
        (
            "2026 Q1",
            "DE VAT 19%",
            D("19.00"),
            D("150.06"),
            D("28.52"),
            0,
            0,
            D("150.06"),
            D("28.52"),
        ),
        (
            "2026 Q1",
            "DE Reduced 7%",
            D("7.00"),
            D("20.00"),
            D("1.40"),
            D("10.00"),
            D("0.70"),
            D("10.00"),
            D("0.70"),
        ),
        ("2026 Q1", "Reverse charge", D("0.00"), D("500.00"), 0, 0, 0, D("500.00"), 0),
        ("2026 Q2", "DE VAT 19%", D("19.00"), D("10.00"), D("1.90"), 0, 0, D("10.00"), D("1.90")),
        ("2026 Q2", "Reverse charge", D("0.00"), 0, 0, D("500.00"), 0, D("-500.00"), 0),
    ]
    assert [row["reverse_charge"] for row in result.rows] == ["no", "no", "yes", "no", "yes"]
    assert cells(result.totals)[3:] == (
        D("680.06"),
        D("31.82"),
        D("510.00"),
        D("0.70"),
        D("170.06"),
        D("31.12"),
    )


def test_the_invoiced_tax_is_what_the_invoices_carry(invoices, db):
    from cloudmanager.invoices.models import Invoice

    carried = db.session.scalar(
        select(func.sum(Invoice.tax_total)).where(
            Invoice.state == "issued", Invoice.issue_date.between(*H1)
        )
    )
    assert run_report("tax", *H1).totals["sales_tax"] == carried == D("31.82")


def test_monthly_rows_put_credit_notes_in_their_own_month(invoices):
    rows = run_report("tax", *H1).rows
    march = [cells(row) for row in rows if row["period"] == "2026-03"]
    assert march == [
        (
            "2026-03",
            "DE Reduced 7%",
            D("7.00"),
            0,
            0,
            D("10.00"),
            D("0.70"),
            D("-10.00"),
            D("-0.70"),
        )
    ]
    assert {row["period"] for row in rows} == {"2026-01", "2026-02", "2026-03", "2026-04"}


def test_reverse_charge_sales_are_named_in_the_notes(invoices):
    result = run_report("tax", date(2026, 1, 1), date(2026, 3, 31), period="quarter")
    assert "Reverse-charge sales in the period: 500.00" in result.notes[0]


def test_an_invoice_credited_in_three_parts_nets_to_zero_tax_to_the_cent(
    make_customer, issue, credit, db
):
    # 3 × 0.35 @19 %: tax 0.1995 → 0.20. Two notes of one each: 0.0665 → 0.07 apiece;
    # the closing note carries what is left, 0.06 (its own rounding would say 0.07).
    from cloudmanager.invoices.credit_models import CreditNote

    invoice = issue(make_customer("Cents GmbH"), date(2026, 5, 4), [(3, "0.35", None, None)])
    for day in (5, 6, 7):
        credit(invoice, date(2026, 5, day), lines={0: "1"})
    assert [n.tax_total for n in db.session.query(CreditNote).order_by(CreditNote.id)] == [
        D("0.07"),
        D("0.07"),
        D("0.06"),
    ]
    (row,) = run_report("tax", date(2026, 5, 1), date(2026, 5, 31)).rows
    assert cells(row)[3:] == (D("1.05"), D("0.20"), D("1.05"), D("0.20"), D("0.00"), D("0.00"))
