"""Outgoing webhooks: admins register URLs; events are delivered signed, retried and logged."""

from flask import Blueprint

bp = Blueprint("webhooks", __name__, url_prefix="/settings/webhooks")

from cloudmanager.webhooks import views  # noqa: E402,F401
