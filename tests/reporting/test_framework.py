"""The report framework: period parsing, page, CSV of exactly what is shown, SVG charts."""

import csv
import io
from decimal import Decimal

import pytest

from cloudmanager.reporting.charts import Series, bar_chart, line_chart
from cloudmanager.reporting.framework import (
    REPORTS,
    Column,
    Report,
    ReportResult,
    register_report,
)


def sample_compute(params):
    rows = [
        {"month": "2026-01", "amount": Decimal("1234.50")},
        {"month": "2026-02", "amount": Decimal("-20.00")},
    ]
    return ReportResult(
        columns=[Column("month", "Month"), Column("amount", "Amount", "money")],
        rows=rows,
        totals={"month": "Total", "amount": Decimal("1214.50")},
        chart=bar_chart(
            "Sample", ["2026-01", "2026-02"], [Series("Amount", [r["amount"] for r in rows])]
        ),
    )


@pytest.fixture
def sample_report():
    report = register_report(
        Report("sample", "Sample report", "For tests", "reports.finance", sample_compute)
    )
    yield report
    REPORTS.pop("sample", None)


def test_report_page_shows_chart_table_and_totals(client, login_as, sample_report):
    login_as("accountant")
    page = client.get("/reports/sample?date_from=2026-01-01&date_to=2026-02-28")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<svg" in html and "1,234.50" in html and "1,214.50" in html


def test_csv_export_has_exactly_the_rows_shown(client, login_as, sample_report):
    login_as("accountant")
    response = client.get("/reports/sample.csv?date_from=2026-01-01&date_to=2026-02-28")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows == [
        ["Month", "Amount"],
        ["2026-01", "1234.50"],
        ["2026-02", "-20.00"],
        ["Total", "1214.50"],
    ]


def test_a_bad_period_is_a_422_with_the_message_next_to_the_field(client, login_as, sample_report):
    login_as("accountant")
    response = client.get("/reports/sample?date_from=2026-13-01&date_to=2026-01-01")
    assert response.status_code == 422
    assert b"Enter a date as YYYY-MM-DD." in response.data
    backwards = client.get("/reports/sample?date_from=2026-05-01&date_to=2026-01-01")
    assert backwards.status_code == 422 and b"must not be before" in backwards.data


def test_a_report_outside_the_role_is_forbidden_and_not_listed(client, login_as, sample_report):
    login_as("agent")
    assert client.get("/reports/sample").status_code == 403
    assert b"Sample report" not in client.get("/reports/").data


def test_charts_are_svg_with_titles_and_no_inline_style():
    svg = str(line_chart("Trend", ["a", "b"], [Series("x", [1, 3]), Series("y", [2, 0])]))
    assert svg.count("<circle") == 4 and "<title>a · x: 1</title>" in svg
    assert "style=" not in svg and "<script" not in svg
    bars = str(bar_chart("Bars", ["a"], [Series("<evil>", [Decimal("5")])]))
    assert "&lt;evil&gt;" in bars and "<evil>" not in bars
