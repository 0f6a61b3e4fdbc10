"""The permission matrix, written once as data, and the one place it is enforced.

`PERMISSIONS` says which roles hold each permission; `ENDPOINTS` (in
`core/endpoints.py`) says which permission each route needs. A `before_request`
hook checks every request (pages, htmx fragments and API calls) against them.
A route missing from `ENDPOINTS` is refused: forgetting to list a route fails
closed, and a test walks the URL map to make sure none is left out.
"""

from typing import Any

from flask import Flask, request
from flask_login import current_user

from cloudmanager.core.endpoints import (  # noqa: F401  (the levels are re-exported here)
    API,
    ENDPOINT_PREFIXES,
    ENDPOINTS,
    PORTAL,
    PUBLIC,
    SIGNED_IN,
)

ROLES = ("admin", "manager", "agent", "accountant")
ROLE_LABELS = {
    "admin": "Administrator",
    "manager": "Manager",
    "agent": "Support agent",
    "accountant": "Accountant",
}

ALL = frozenset(ROLES)


PERMISSIONS: dict[str, frozenset[str]] = {
    "dashboard.view": ALL,
    "users.manage": frozenset({"admin"}),
    "audit.view": frozenset({"admin"}),
    "jobs.view": frozenset({"admin"}),
    "customers.view": ALL,
    "customers.edit": frozenset({"admin", "manager"}),
    "webhooks.manage": frozenset({"admin"}),
    "reports.view": ALL,
    "reports.finance": frozenset({"admin", "manager", "accountant"}),
    "reports.helpdesk": frozenset({"admin", "manager", "agent"}),
    "customers.note": ALL,
    "customers.edit_billing": frozenset({"admin", "manager", "accountant"}),
    "customers.delete": frozenset({"admin"}),
    "customers.import": frozenset({"admin", "manager"}),
    "customers.export": frozenset({"admin", "manager"}),
    "tickets.view": ALL,
    "tickets.reply": frozenset({"admin", "manager", "agent"}),
    "tickets.manage": frozenset({"admin", "manager"}),
    "portal.invite": frozenset({"admin", "manager", "agent"}),
    "products.view": ALL,
    "products.edit": frozenset({"admin", "manager"}),
    "taxes.edit": frozenset({"admin", "accountant"}),
    "settings.view": frozenset({"admin"}),
    "settings.edit": frozenset({"admin"}),
    "settings.billing": frozenset({"admin", "accountant"}),
    "invoices.view": ALL,
    "invoices.edit": frozenset({"admin", "manager", "accountant"}),
    "invoices.payments": frozenset({"admin", "manager", "accountant"}),
    "invoices.void": frozenset({"admin", "accountant"}),
    "invoices.export": frozenset({"admin", "manager", "accountant"}),
    "orders.view": ALL,
    "orders.edit": frozenset({"admin", "manager", "agent"}),
    "orders.decide": frozenset({"admin", "manager"}),
    "orders.override_price": frozenset({"admin", "manager"}),
    "services.view": ALL,
    "services.manage": frozenset({"admin", "manager"}),
    "billing.view": frozenset({"admin", "manager", "accountant"}),
    "billing.run": frozenset({"admin", "accountant"}),
}

PERMISSION_LABELS: dict[str, str] = {
    "dashboard.view": "See the dashboard",
    "users.manage": "Invite staff, change roles, disable users, reset 2FA",
    "audit.view": "Read the audit log",
    "jobs.view": "See failed background jobs",
    "webhooks.manage": "Register webhooks and redeliver events",
    "reports.view": "Open the reports page (each report checks its own permission)",
    "reports.finance": "Revenue, receivables, MRR and tax reports",
    "reports.helpdesk": "Helpdesk reports",
    "customers.view": "See customers, their contacts and timeline",
    "customers.note": "Add notes to a customer's timeline",
    "customers.edit": "Create and edit customers and contacts, deactivate customers",
    "customers.edit_billing": "Edit customers' billing details (VAT id, address, currency, terms)",
    "customers.delete": "Delete customers that have no history",
    "customers.import": "Import customers from CSV",
    "customers.export": "Export customers as CSV",
    "tickets.view": "Read tickets, their conversation and history (accountants: read-only)",
    "tickets.reply": "Reply, add internal notes, change status, priority, assignee, department",
    "tickets.manage": "Manage canned responses",
    "portal.invite": "Invite a customer's contact to the customer portal",
    "products.view": "See the product catalog and tax rates",
    "products.edit": "Create, change, archive products and product groups",
    "taxes.edit": "Create and change tax rates",
    "settings.view": "See settings and notification email templates",
    "settings.edit": "Change company, locale, helpdesk, notification and security settings",
    "settings.billing": "Change invoicing settings (numbering, terms, reminders)",
    "invoices.view": "See invoices, payments, credit notes and their PDFs",
    "invoices.edit": "Create and edit draft invoices, issue them, email them",
    "invoices.payments": "Record payments and apply customer credit",
    "invoices.void": "Void invoices and issue credit notes",
    "invoices.export": "Export invoices as CSV",
    "orders.view": "See orders",
    "orders.edit": "Create and edit pending orders",
    "orders.decide": "Accept, cancel or flag orders as fraud",
    "orders.override_price": "Sell at another price than the catalog's",
    "services.view": "See services and their history",
    "services.manage": "Suspend, resume, cancel, terminate and change services",
    "billing.view": "See billing runs and the renewal preview",
    "billing.run": "Start a billing run",
}


def can(user: Any, permission: str) -> bool:
    """True when `user` holds `permission` (unknown permissions are refused)."""
    if permission == PUBLIC:
        return True
    # current_user is a proxy that re-resolves on every attribute: resolve it once.
    user = getattr(user, "_get_current_object", lambda: user)()
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_staff", False):
        return False
    if permission == SIGNED_IN:
        return True
    return user.role in PERMISSIONS.get(permission, frozenset())


def required_permission(endpoint: str | None) -> str | None:
    """The access level a route needs; None when the route is not in the matrix."""
    if endpoint is None:
        return PUBLIC  # 404s and 405s: let Flask answer them
    if endpoint in ENDPOINTS:
        return ENDPOINTS[endpoint]
    for prefix, level in ENDPOINT_PREFIXES.items():
        if endpoint.startswith(prefix):
            return level
    return None


def enforce_permissions():
    """Refuse the request unless the current user may open this route."""
    from flask import abort

    from cloudmanager.core.htmx import redirect_to

    needed = required_permission(request.endpoint)
    if needed is None:
        abort(403, "This page is not in the permission matrix.")
    if needed in (PUBLIC, PORTAL, API):
        return None
    if not current_user.is_authenticated or not getattr(current_user, "is_staff", False):
        from flask import url_for

        if request.path.startswith("/api/"):
            abort(401)
        return redirect_to(url_for("auth.login", next=request.full_path.rstrip("?")))
    if not can(current_user, needed):
        abort(403, "Your role does not allow this.")
    return None


def init_app(app: Flask) -> None:
    """Check every request against the matrix."""
    app.before_request(enforce_permissions)


def matrix_rows() -> list[tuple[str, str, list[bool]]]:
    """(permission, label, [held by each role]) for docs and the settings page."""
    return [
        (name, PERMISSION_LABELS.get(name, ""), [role in roles for role in ROLES])
        for name, roles in PERMISSIONS.items()
    ]
