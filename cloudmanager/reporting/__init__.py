"""Reports: revenue, receivables, MRR, tax and helpdesk metrics, with charts and CSV."""

from flask import Blueprint

bp = Blueprint("reporting", __name__, url_prefix="/reports")

from cloudmanager.reporting import views  # noqa: E402,F401
