"""The finance figures on the dashboard, each linking to the report (and period) behind it.

They are computed by the reports' own queries, in one snapshot, so a card and
the report it links to always show the same number.
"""

from datetime import date
from typing import Any

from flask import url_for

from cloudmanager.core.money import format_money
from cloudmanager.core.timeutil import utcnow
from cloudmanager.dashboard.cards import StatCard
from cloudmanager.reporting.choices import base_currency
from cloudmanager.reporting.mrr import mrr_rows
from cloudmanager.reporting.receivables import aging_totals
from cloudmanager.reporting.revenue import period_sums, revenue_row
from cloudmanager.reporting.sql import number_of, period_end, period_start, snapshot


def _report_url(key: str, date_from: date, date_to: date) -> str:
    return url_for("reporting.show", key=key, date_from=date_from, date_to=date_to)


def finance_cards(user: Any, today: date | None = None) -> list[StatCard]:
    """Revenue, collected, receivables, MRR/ARR, new and churned customers (five queries)."""
    today = today or utcnow().date()
    currency = base_currency()
    month = number_of(today)
    start, end = period_start(month), period_end(month)
    last_start = period_start(month - 1)
    with snapshot() as connection:
        sums = period_sums(connection, last_start, end, currency, 1)
        aging = aging_totals(connection, today, currency)
        (mrr,) = mrr_rows(connection, start, today, currency)
    now, before = revenue_row("", sums.get(month, {})), revenue_row("", sums.get(month - 1, {}))
    overdue = aging["outstanding"] - aging["current"]

    def money(amount) -> str:
        return format_money(amount, currency)

    this_month = _report_url("revenue", start, end)
    receivables = url_for("reporting.show", key="receivables", date_to=today)
    churn = _report_url("mrr", start, end)
    return [
        StatCard(
            "Revenue this month",
            money(now["net"]),
            icon="graph-up-arrow",
            url=_report_url("revenue", last_start, end),
            hint=f"Last month {money(before['net'])} (net, without tax)",
            order=10,
        ),
        StatCard(
            "Collected this month",
            money(now["collected"]),
            icon="cash-coin",
            url=this_month,
            hint=f"Billed this month {money(now['billed'])}",
            tone="success",
            order=11,
        ),
        StatCard(
            "Outstanding receivables",
            money(aging["outstanding"]),
            icon="hourglass-split",
            url=receivables,
            hint=f"{aging['invoices']:,} open invoices of {aging['customers']:,} customers",
            order=12,
        ),
        StatCard(
            "Overdue receivables",
            money(overdue),
            icon="exclamation-triangle",
            url=receivables,
            hint=f"{money(aging['days_over_90'])} over 90 days",
            tone="danger" if overdue > 0 else "success",
            order=13,
        ),
        StatCard(
            "MRR",
            money(mrr["ending_mrr"]),
            icon="arrow-repeat",
            url=_report_url("mrr", period_start(month - 11), end),
            hint=f"ARR {money(mrr['arr'])}",
            order=14,
        ),
        StatCard(
            "New customers this month",
            mrr["new_customers"],
            icon="person-plus",
            url=churn,
            hint=f"{mrr['reactivated_customers']} came back",
            tone="success",
            order=15,
        ),
        StatCard(
            "Churned customers this month",
            mrr["churned_customers"],
            icon="person-dash",
            url=churn,
            hint=f"{money(-mrr['churn'])} MRR lost",
            tone="warning" if mrr["churned_customers"] else "primary",
            order=16,
        ),
    ]
