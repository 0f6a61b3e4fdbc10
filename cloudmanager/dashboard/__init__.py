"""The staff home page, health check and background-job overview."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__)

from cloudmanager.dashboard import views  # noqa: E402,F401
