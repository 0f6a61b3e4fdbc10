"""Reports: revenue, receivables, MRR, tax and helpdesk metrics, with charts and CSV."""

from flask import Blueprint

bp = Blueprint("reporting", __name__, url_prefix="/reports")

from cloudmanager.reporting import views  # noqa: E402,F401
from cloudmanager.reporting import (
    mrr,
    receivables,
    revenue,
    revenue_breakdown,
    tax,
)  # noqa: E402,F401
from cloudmanager.dashboard.cards import register_cards  # noqa: E402
from cloudmanager.reporting.finance_cards import finance_cards  # noqa: E402

register_cards(finance_cards, permission="reports.finance")
