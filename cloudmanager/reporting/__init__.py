"""Reports: revenue, receivables, MRR, tax and helpdesk metrics, with charts and CSV."""

from flask import Blueprint

bp = Blueprint("reporting", __name__, url_prefix="/reports")

from cloudmanager.dashboard.cards import register_cards  # noqa: E402
from cloudmanager.reporting import (  # noqa: E402,F401
    helpdesk,
    mrr,
    receivables,
    revenue,
    revenue_breakdown,
    tax,
    views,
)
from cloudmanager.reporting.finance_cards import finance_cards  # noqa: E402
from cloudmanager.reporting.helpdesk_cards import helpdesk_cards  # noqa: E402

register_cards(finance_cards, permission="reports.finance")
register_cards(helpdesk_cards, permission="reports.helpdesk")
