"""Revenue per month, per product and per customer against a hand-worked data set.

The data (EUR, German VAT 19 % / 7 %, C is an Austrian business: reverse charge):

    inv6  B 2025-12-20  60.00 @19            gross  71.40  paid 71.40 on 01-05
    inv1  A 2026-01-10 100.00 @19 (Server)
                        2 × 25.00 @7 (Support) gross 172.50  paid 172.50 on 01-25
    inv2  B 2026-01-20   3 × 10.00 @19 (Server) gross 35.70  paid 20.00 on 02-10
    inv3  A 2026-02-05 200.00 @19 (Server)    gross 238.00  paid 250.00 on 03-03 (12.00 credit)
    inv4  C 2026-02-15  80.00 RC (Support)    gross  80.00  credited in full on 03-20
    CN1   A 2026-02-20  one Support of inv1:  net 25.00, tax 1.75, gross 26.75
    inv5  B 2026-03-01  40.00 @19             voided
    inv7  A 2026-03-10  10.00 @19 (free text) gross  11.90  paid from account credit 03-12

January:  invoiced 150 + 30 = 180.00, tax 28.20, billed 208.20, collected 71.40 + 172.50.
February: invoiced 200 + 80 = 280.00, credit notes 25.00 → net 255.00, tax 38 − 1.75 = 36.25,
          billed 318.00 − 26.75 = 291.25, collected 20.00.
March:    invoiced 10.00, credit notes 80.00 → net −70.00, tax 1.90, billed 11.90 − 80 = −68.10,
          collected 250.00 (account credit is not money received).
"""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.fixtures.finance import by_first_column, run_report

D = Decimal
JAN, MAR = date(2026, 1, 1), date(2026, 3, 31)


@pytest.fixture
def sales(make_customer, make_product, issue, pay, credit, void):
    """The data set of the module docstring."""
    a = make_customer("Alpha GmbH")
    b = make_customer("Beta GmbH")
    c = make_customer("Gamma GmbH", country="AT", vat_id="ATU12345678")
    server = make_product("SRV", "Cloud Server", group="Servers")
    support = make_product("SUP", "Support", group="Support")
    inv6 = issue(b, date(2025, 12, 20), [(1, "60.00", None, None)])
    pay(inv6, "71.40", date(2026, 1, 5))
    inv1 = issue(
        a, date(2026, 1, 10), [(1, "100.00", None, server), (2, "25.00", "reduced", support)]
    )
    pay(inv1, "172.50", date(2026, 1, 25))
    inv2 = issue(b, date(2026, 1, 20), [(3, "10.00", None, server)])
    pay(inv2, "20.00", date(2026, 2, 10))
    inv3 = issue(a, date(2026, 2, 5), [(1, "200.00", None, server)])
    inv4 = issue(c, date(2026, 2, 15), [(1, "80.00", "reduced", support)])
    credit(inv1, date(2026, 2, 20), lines={1: "1"})
    inv5 = issue(b, date(2026, 3, 1), [(1, "40.00", None, None)])
    void(inv5)
    pay(inv3, "250.00", date(2026, 3, 3))
    inv7 = issue(a, date(2026, 3, 10), [(1, "10.00", None, None)])
    pay(inv7, "11.90", date(2026, 3, 12), method="account_credit")
    credit(inv4, date(2026, 3, 20))
    return {"a": a, "b": b, "c": c}


def test_revenue_per_month_matches_the_hand_worked_figures(sales):
    result = run_report("revenue", JAN, MAR)
    rows = by_first_column(result)
    assert list(rows) == ["2026-01", "2026-02", "2026-03"]
    assert rows["2026-01"] == {
        "period": "2026-01",
        "invoices": 2,
        "invoiced": D("180.00"),
        "credited": D("0.00"),
        "net": D("180.00"),
        "tax": D("28.20"),
        "billed": D("208.20"),
        "collected": D("243.90"),
    }
    february = rows["2026-02"]
    assert (february["invoices"], february["invoiced"], february["credited"]) == (
        2,
        D("280.00"),
        D("25.00"),
    )
    assert (february["net"], february["tax"], february["billed"], february["collected"]) == (
        D("255.00"),
        D("36.25"),
        D("291.25"),
        D("20.00"),
    )
    march = rows["2026-03"]
    assert (march["invoices"], march["invoiced"], march["credited"], march["net"]) == (
        1,
        D("10.00"),
        D("80.00"),
        D("-70.00"),
    )
    assert (march["tax"], march["billed"], march["collected"]) == (
        D("1.90"),
        D("-68.10"),
        D("250.00"),
    )
    assert result.totals == {
        "period": "Total",
        "invoices": 5,
        "invoiced": D("470.00"),
        "credited": D("105.00"),
        "net": D("365.00"),
        "tax": D("66.35"),
        "billed": D("431.35"),
        "collected": D("513.90"),
    }


def test_collected_is_the_sum_of_the_money_received_in_the_period(sales, db):
    from cloudmanager.invoices.models import Payment

    received = db.session.scalar(
        select(func.sum(Payment.amount)).where(
            Payment.received_on.between(JAN, MAR), Payment.method != "account_credit"
        )
    )
    assert run_report("revenue", JAN, MAR).totals["collected"] == received == D("513.90")


def test_revenue_per_quarter_adds_the_months_up(sales):
    result = run_report("revenue", JAN, MAR, period="quarter")
    assert [row["period"] for row in result.rows] == ["2026 Q1"]
    assert result.rows[0]["net"] == D("365.00")
    assert result.rows[0]["collected"] == D("513.90")


def test_an_empty_month_inside_the_range_is_a_row_of_zeros(sales):
    result = run_report("revenue", date(2025, 11, 1), JAN)
    assert [row["period"] for row in result.rows] == ["2025-11", "2025-12", "2026-01"]
    assert result.rows[0]["invoiced"] == D("0.00") and result.rows[0]["invoices"] == 0
    assert result.rows[1]["invoiced"] == D("60.00")


def test_other_currencies_are_reported_apart(sales, make_customer, issue):
    swiss = make_customer("Helvetia AG", country="CH", currency="CHF")
    issue(swiss, date(2026, 1, 15), [(1, "999.00", None, None)])
    assert run_report("revenue", JAN, MAR).totals["invoiced"] == D("470.00")
    francs = run_report("revenue", JAN, MAR, currency="CHF")
    assert francs.totals["invoiced"] == D("999.00") and francs.totals["invoices"] == 1


def test_revenue_by_product_splits_the_same_net_revenue(sales):
    result = run_report("revenue-by-product", JAN, MAR)
    assert [row["product"] for row in result.rows] == [
        "SRV · Cloud Server",
        "SUP · Support",
        "Other (lines without a product)",
    ]
    server, support, other = result.rows
    assert (server["invoiced"], server["credited"], server["net"], server["share"]) == (
        D("330.00"),
        D("0.00"),
        D("330.00"),
        D("90.4"),
    )
    assert (support["invoiced"], support["credited"], support["net"], support["share"]) == (
        D("130.00"),
        D("105.00"),
        D("25.00"),
        D("6.8"),
    )
    assert (other["net"], other["share"], other["group"]) == (D("10.00"), D("2.7"), "—")
    assert server["group"] == "Servers"
    assert result.totals["net"] == D("365.00") == run_report("revenue", JAN, MAR).totals["net"]


def test_revenue_by_product_filtered_by_group(sales, db):
    from cloudmanager.products.models import ProductGroup

    support = db.session.scalar(select(ProductGroup.id).where(ProductGroup.name == "Support"))
    result = run_report("revenue-by-product", JAN, MAR, group=support)
    assert [row["product"] for row in result.rows] == ["SUP · Support"]
    assert result.totals["invoiced"] == D("130.00") and result.totals["net"] == D("25.00")


def test_revenue_by_customer_ranks_by_net_revenue(sales):
    result = run_report("revenue-by-customer", JAN, MAR)
    a, b, c = (sales[key] for key in "abc")
    assert [row["customer"] for row in result.rows] == [
        f"{a.number} · Alpha GmbH",
        f"{b.number} · Beta GmbH",
        f"{c.number} · Gamma GmbH",
    ]
    alpha, beta, gamma = result.rows
    assert (alpha["invoices"], alpha["invoiced"], alpha["credited"], alpha["net"]) == (
        3,
        D("360.00"),
        D("25.00"),
        D("335.00"),
    )
    assert (alpha["collected"], alpha["share"]) == (D("422.50"), D("91.8"))
    assert (beta["invoices"], beta["net"], beta["collected"], beta["share"]) == (
        1,
        D("30.00"),
        D("91.40"),
        D("8.2"),
    )
    assert (gamma["invoiced"], gamma["credited"], gamma["net"]) == (
        D("80.00"),
        D("80.00"),
        D("0.00"),
    )
    assert (result.totals["net"], result.totals["collected"]) == (D("365.00"), D("513.90"))


def test_customers_beyond_the_top_are_one_row_and_the_totals_stay_whole(sales):
    result = run_report("revenue-by-customer", JAN, MAR, top=1)
    assert len(result.rows) == 2
    rest = result.rows[1]
    assert rest["customer"] == "2 other customers"
    assert (rest["invoices"], rest["invoiced"], rest["credited"], rest["net"]) == (
        2,
        D("110.00"),
        D("80.00"),
        D("30.00"),
    )
    assert rest["collected"] == D("91.40")
    assert result.totals["invoices"] == 5 and result.totals["net"] == D("365.00")


def test_money_from_customers_without_revenue_in_the_period_still_adds_up(sales):
    # 1–9 January: no invoice issued, but inv6 (December) was paid on the 5th.
    result = run_report("revenue-by-customer", JAN, date(2026, 1, 9))
    assert [(row["customer"], row["net"], row["collected"]) for row in result.rows] == [
        ("Payments of customers without revenue", D("0.00"), D("71.40"))
    ]
    assert (
        result.totals["collected"]
        == D("71.40")
        == run_report("revenue", JAN, date(2026, 1, 9)).totals["collected"]
    )
