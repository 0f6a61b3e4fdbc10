"""Sign-in pages (placeholder until the sign-in issue lands)."""

from flask import redirect, url_for
from flask_login import logout_user

from cloudmanager.auth import bp


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in."""
    return "login"


@bp.post("/logout")
def logout():
    """Sign out."""
    logout_user()
    return redirect(url_for("auth.login"))


@bp.get("/account")
def account():
    """Account and security."""
    return "account"
