"""Staff sign-in with TOTP, account security, user administration, audit log."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from cloudmanager.auth import views  # noqa: E402,F401
