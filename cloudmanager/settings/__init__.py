"""Settings: company profile, locale, invoicing, helpdesk, notifications, security."""

from flask import Blueprint

bp = Blueprint("settings", __name__, url_prefix="/settings")
