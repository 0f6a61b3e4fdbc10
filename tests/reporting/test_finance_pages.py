"""The finance report pages: who may open them, CSV = the table shown, bad input, query counts."""

import csv
import io
from datetime import date, datetime
from html.parser import HTMLParser

import pytest

from cloudmanager.reporting.framework import REPORTS, format_cell

FINANCE = ("revenue", "revenue-by-product", "revenue-by-customer", "receivables", "mrr", "tax")
PERIOD = "date_from=2026-01-01&date_to=2026-03-31"


class TableCells(HTMLParser):
    """The text of each <td> of the report table, row by row, body and footer apart."""

    def __init__(self):
        super().__init__()
        self.body: list[list[str]] = []
        self.foot: list[list[str]] = []
        self.section = None
        self.cell = None

    def handle_starttag(self, tag, attrs):
        if tag in ("tbody", "tfoot"):
            self.section = self.body if tag == "tbody" else self.foot
        elif tag == "tr" and self.section is not None:
            self.section.append([])
        elif tag == "td" and self.section is not None:
            self.cell = ""

    def handle_endtag(self, tag):
        if tag == "td" and self.cell is not None:
            self.section[-1].append(self.cell.strip())
            self.cell = None
        elif tag in ("tbody", "tfoot"):
            self.section = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def table_of(html: str) -> TableCells:
    parser = TableCells()
    parser.feed(html)
    return parser


@pytest.fixture
def some_sales(make_customer, make_product, issue, pay, credit, subscribe):
    """A few invoices in Q1 2026: enough for every finance report to have rows."""
    a, b = make_customer("Alpha GmbH"), make_customer(
        "Beta GmbH", country="AT", vat_id="ATU12345678"
    )
    server = make_product("SRV", "Cloud Server", group="Servers")
    first = issue(a, date(2026, 1, 10), [(2, "49.90", None, server), (1, "5.00", "reduced", None)])
    pay(first, "100.00", date(2026, 1, 20))
    second = issue(b, date(2026, 2, 14), [(1, "300.00", None, server)])
    credit(second, date(2026, 3, 2), lines={0: "0.5"})
    issue(a, date(2026, 3, 30), [(3, "19.90", None, server)])
    subscribe(a, "59.70", datetime(2025, 12, 3, 10))
    subscribe(b, "300.00", datetime(2026, 2, 14, 10), ended=datetime(2026, 3, 2, 10))


@pytest.mark.parametrize("role", ["accountant", "manager", "admin"])
def test_every_finance_report_opens_for_the_finance_roles(client, login_as, some_sales, role):
    login_as(role)
    for key in FINANCE:
        page = client.get(f"/reports/{key}?{PERIOD}")
        assert page.status_code == 200, key
        assert b"<table" in page.data and b"Correct the period" not in page.data
    listing = client.get("/reports/").get_data(as_text=True)
    assert all(REPORTS[key].title in listing for key in FINANCE)


def test_agents_are_refused_the_finance_reports_and_their_csv(client, login_as):
    login_as("agent")
    for key in FINANCE:
        assert client.get(f"/reports/{key}").status_code == 403
        assert client.get(f"/reports/{key}.csv").status_code == 403
    assert b"Revenue by product" not in client.get("/reports/").data


@pytest.mark.parametrize("key", FINANCE)
def test_the_csv_holds_exactly_the_rows_and_columns_shown(client, login_as, some_sales, key):
    login_as("accountant")
    query = PERIOD if key != "receivables" else "date_to=2026-03-31"
    html = client.get(f"/reports/{key}?{query}").get_data(as_text=True)
    exported = client.get(f"/reports/{key}.csv?{query}")
    assert exported.mimetype == "text/csv"
    header, *lines = list(csv.reader(io.StringIO(exported.get_data(as_text=True))))
    kinds = _kinds(html, header, key)
    table = table_of(html)
    assert table.body, f"{key} shows no rows"
    assert len(lines) == len(table.body) + len(table.foot)
    for shown, line in zip(table.body + table.foot, lines):
        expected = [format_cell(value, kind) if value else "" for value, kind in zip(line, kinds)]
        # an empty cell is "—" in the body and blank in the footer
        assert [cell.replace("—", "") for cell in shown] == [e.replace("—", "") for e in expected]


def _kinds(html: str, header: list[str], key: str) -> list[str]:
    """The kind of each CSV column, from the report's columns (same labels, same order)."""
    from cloudmanager.reporting.framework import ReportParams

    result = REPORTS[key].compute(
        ReportParams(
            date(2026, 1, 1),
            date(2026, 3, 31),
            {"currency": "EUR", "period": "month", "top": "100"},
        )
    )
    assert [column.label for column in result.columns] == header
    assert all(f">{column.label}</th>" in html for column in result.columns)
    return [column.kind for column in result.columns]


def test_a_bad_period_answers_422_with_the_message_next_to_the_field(client, login_as):
    login_as("accountant")
    backwards = client.get("/reports/revenue?date_from=2026-05-01&date_to=2026-01-01")
    assert backwards.status_code == 422 and b"must not be before" in backwards.data
    bad_day = client.get("/reports/receivables?date_to=2026-02-30")
    assert bad_day.status_code == 422 and b'id="date_to-error"' in bad_day.data
    bad_currency = client.get("/reports/mrr?currency=XXX")
    assert bad_currency.status_code == 422 and b"Choose a valid currency." in bad_currency.data
    assert client.get("/reports/tax.csv?date_from=nope").status_code == 422


def test_the_currency_filter_has_no_all_option_and_the_aging_asks_one_day(
    client, login_as, make_customer
):
    make_customer("Helvetia AG", country="CH", currency="CHF")
    login_as("accountant")
    html = client.get("/reports/revenue").get_data(as_text=True)
    currency = html[
        html.index('id="currency"') : html.index("</select>", html.index('id="currency"'))
    ]
    assert '<option value="">All</option>' not in currency
    assert '<option value="CHF">CHF</option>' in currency
    assert '<option value="EUR" selected>EUR</option>' in currency
    aging = client.get("/reports/receivables").get_data(as_text=True)
    assert 'for="date_to">As of<' in aging and 'id="date_from"' not in aging


def test_report_pages_read_a_fixed_number_of_queries(
    client, login_as, make_customer, issue, count_queries
):
    login_as("accountant")
    customers = [make_customer(f"Customer {n}") for n in range(6)]
    issue(customers[0], date(2026, 2, 1), [(1, "10.00", None, None)])
    counts = {}
    for size in ("few", "many"):
        if size == "many":
            for customer in customers:
                issue(
                    customer, date(2026, 2, 2), [(1, "10.00", None, None), (2, "3.00", None, None)]
                )
        counts[size] = {}
        for key in FINANCE:
            client.get(f"/reports/{key}?{PERIOD}")  # warm caches
            with count_queries() as counter:
                assert client.get(f"/reports/{key}?{PERIOD}").status_code == 200
            counts[size][key] = counter.count
    assert counts["few"] == counts["many"]
