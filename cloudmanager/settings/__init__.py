"""Settings: company profile, locale, invoicing, helpdesk, notifications, security."""

from flask import Blueprint

from cloudmanager.core.navigation import NavItem, register_nav
from cloudmanager.core.permissions import can
from cloudmanager.settings.logo import company_logo_url

bp = Blueprint("settings", __name__, url_prefix="/settings")

bp.add_app_template_global(company_logo_url, "company_logo_url")
bp.add_app_template_global(can, "can")

register_nav(NavItem("Settings", "gear", "settings.index", "settings.billing", "admin", order=910))

from cloudmanager.settings import template_views, views  # noqa: E402,F401
