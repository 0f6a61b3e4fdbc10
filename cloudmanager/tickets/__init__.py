"""Helpdesk tickets with SLA clocks, canned responses and inbound email."""

from flask import Blueprint

from cloudmanager.core.navigation import NavItem, register_nav
from cloudmanager.periodic import register_periodic

bp = Blueprint("tickets", __name__, url_prefix="/tickets")

register_nav(NavItem("Tickets", "life-preserver", "tickets.index", "tickets.view", order=50))
register_nav(
    NavItem(
        "Canned responses", "chat-square-text", "tickets.canned", "tickets.manage", "admin", 930
    )
)
register_periodic("tickets.sla_warnings", 300, "cloudmanager.tickets.jobs.warn_sla_breaches")

from cloudmanager.tickets import canned_views, cli, new_views, views  # noqa: E402,F401
