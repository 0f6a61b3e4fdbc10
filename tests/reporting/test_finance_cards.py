"""The finance figures on the dashboard: hand-worked values, links to the reports, roles.

On 2026-03-15 (EUR, 19 % VAT, payment terms 14 days):
    A 2026-02-10 100.00 → 119.00, due 02-24, unpaid (overdue)
    B 2026-03-05 200.00 → 238.00, due 03-19, 100.00 paid 03-10
    A 2026-03-12  50.00 →  59.50, paid 03-14
    MRR: A 30.00 since January, B 20.00 new on 03-02, C 10.00 cancelled 03-03
"""

from datetime import date, datetime
from decimal import Decimal

import pytest

from tests.fixtures.finance import run_report

TODAY = date(2026, 3, 15)


@pytest.fixture
def march(make_customer, issue, pay, subscribe):
    """The data of the module docstring."""
    a, b, c = make_customer("Alpha GmbH"), make_customer("Beta GmbH"), make_customer("Gamma")
    issue(a, date(2026, 2, 10), [(1, "100.00", None, None)])
    pay(issue(b, date(2026, 3, 5), [(1, "200.00", None, None)]), "100.00", date(2026, 3, 10))
    pay(issue(a, date(2026, 3, 12), [(1, "50.00", None, None)]), "59.50", date(2026, 3, 14))
    subscribe(a, "30.00", datetime(2026, 1, 5, 9))
    subscribe(b, "20.00", datetime(2026, 3, 2, 9))
    subscribe(c, "10.00", datetime(2025, 12, 1, 9), ended=datetime(2026, 3, 3, 9))


def cards_on(app, day):
    from cloudmanager.reporting.finance_cards import finance_cards

    with app.test_request_context():
        return {card.label: card for card in finance_cards(None, today=day)}


def test_the_cards_show_the_hand_worked_figures(app, march):
    cards = cards_on(app, TODAY)
    figures = {label: (card.value, card.hint) for label, card in cards.items()}
    assert figures == {
        "Revenue this month": ("250.00 EUR", "Last month 100.00 EUR (net, without tax)"),
        "Collected this month": ("159.50 EUR", "Billed this month 297.50 EUR"),
        "Outstanding receivables": ("257.00 EUR", "2 open invoices of 2 customers"),
        "Overdue receivables": ("119.00 EUR", "0.00 EUR over 90 days"),
        "MRR": ("50.00 EUR", "ARR 600.00 EUR"),
        "New customers this month": (1, "0 came back"),
        "Churned customers this month": (1, "10.00 EUR MRR lost"),
    }
    assert cards["Overdue receivables"].tone == "danger"


def test_each_card_links_to_its_report_and_period(app, march):
    links = {label: card.url for label, card in cards_on(app, TODAY).items()}
    assert links == {
        "Revenue this month": "/reports/revenue?date_from=2026-02-01&date_to=2026-03-31",
        "Collected this month": "/reports/revenue?date_from=2026-03-01&date_to=2026-03-31",
        "Outstanding receivables": "/reports/receivables?date_to=2026-03-15",
        "Overdue receivables": "/reports/receivables?date_to=2026-03-15",
        "MRR": "/reports/mrr?date_from=2025-04-01&date_to=2026-03-31",
        "New customers this month": "/reports/mrr?date_from=2026-03-01&date_to=2026-03-31",
        "Churned customers this month": "/reports/mrr?date_from=2026-03-01&date_to=2026-03-31",
    }


def test_the_linked_reports_show_the_same_numbers(app, march):
    aging = run_report("receivables", TODAY, TODAY).totals
    assert aging["outstanding"] == Decimal("257.00")
    assert aging["outstanding"] - aging["current"] == Decimal("119.00")
    month = run_report("revenue", date(2026, 2, 1), date(2026, 3, 31)).rows
    assert [row["net"] for row in month] == [Decimal("100.00"), Decimal("250.00")]
    assert month[1]["collected"] == Decimal("159.50")
    (mrr,) = run_report("mrr", date(2026, 3, 1), date(2026, 3, 31)).rows
    assert (mrr["ending_mrr"], mrr["new_customers"], mrr["churned_customers"]) == (
        Decimal("50.00"),
        1,
        1,
    )


def test_finance_roles_see_the_cards_on_the_dashboard_with_their_links(client, login_as):
    from cloudmanager.core.timeutil import utcnow

    today = utcnow().date()
    login_as("accountant")
    html = client.get("/").get_data(as_text=True)
    for label in ("Revenue this month", "Outstanding receivables", "MRR", "Churned customers"):
        assert label in html
    assert f'href="/reports/receivables?date_to={today.isoformat()}"' in html
    assert 'href="/reports/revenue?date_from=' in html


def test_agents_see_no_finance_cards(client, login_as):
    login_as("agent")
    html = client.get("/").get_data(as_text=True)
    assert "Revenue this month" not in html and "MRR" not in html
