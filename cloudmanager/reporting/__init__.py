"""Reports: revenue, receivables, MRR, tax and helpdesk metrics, with charts and CSV."""

from flask import Blueprint

bp = Blueprint("reporting", __name__, url_prefix="/reports")

from cloudmanager.dashboard.cards import register_cards  # noqa: E402
from cloudmanager.reporting import helpdesk, views  # noqa: E402,F401
from cloudmanager.reporting.helpdesk_cards import helpdesk_cards  # noqa: E402

register_cards(helpdesk_cards, permission="reports.helpdesk")
