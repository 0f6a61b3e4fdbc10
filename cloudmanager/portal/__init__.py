"""The customer portal (/portal): tickets, invoices, services and ordering from the catalog.

Every portal route is `PORTAL` in the permission matrix; this blueprint checks
its own sign-in, and every query is scoped to the signed-in contact's customer.
"""

from flask import Blueprint, flash, request, url_for
from flask_login import current_user

bp = Blueprint("portal", __name__, url_prefix="/portal")
staff_bp = Blueprint("portal_access", __name__, url_prefix="/portal-access")


def current_portal_user():
    """The signed-in portal user, or None (staff sessions are not portal sessions)."""
    if current_user.is_authenticated and getattr(current_user, "is_portal", False):
        return current_user._get_current_object()
    return None


@bp.before_request
def require_portal_user():
    """Portal pages need a portal sign-in; idle sessions end as the security setting says."""
    from cloudmanager.auth import login as login_service
    from cloudmanager.core.htmx import redirect_to
    from cloudmanager.core.permissions import PORTAL, required_permission
    from cloudmanager.extensions import db

    if required_permission(request.endpoint) != PORTAL:
        return None
    login_url = url_for("portal.login", next=request.full_path.rstrip("?"))
    if current_portal_user() is None:
        return redirect_to(login_url)
    if login_service.session_idle_expired():
        login_service.sign_out(None)
        db.session.commit()
        flash("You were signed out after a period of inactivity.", "info")
        return redirect_to(login_url)
    return None


@bp.context_processor
def portal_helpers() -> dict:
    """The portal user and the billing-cycle names in every portal template."""
    from cloudmanager.products.models import BILLING_CYCLES

    return {"portal_user": current_portal_user(), "billing_cycles": BILLING_CYCLES}


from cloudmanager.portal import (  # noqa: E402,F401
    account_views,
    auth_views,
    invoice_views,
    order_views,
    service_views,
    services,
    staff_views,
    ticket_views,
)
