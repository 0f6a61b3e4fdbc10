"""The permission matrix, written once as data, and the one place it is enforced.

`PERMISSIONS` says which roles hold each permission; `ENDPOINTS` says which
permission each route needs. A `before_request` hook checks every request
(pages, htmx fragments and API calls) against them. A route missing from
`ENDPOINTS` is refused: forgetting to list a route fails closed, and a test
walks the URL map to make sure none is left out.
"""

from typing import Any

from flask import Flask, request
from flask_login import current_user

ROLES = ("admin", "manager", "agent", "accountant")
ROLE_LABELS = {
    "admin": "Administrator",
    "manager": "Manager",
    "agent": "Support agent",
    "accountant": "Accountant",
}

ALL = frozenset(ROLES)

# Route access levels that are not permissions of the matrix.
PUBLIC = "public"  # anyone, signed in or not
SIGNED_IN = "signed-in"  # any signed-in staff user
PORTAL = "portal"  # a signed-in customer user (checked by the portal itself)
API = "api"  # bearer-token requests (checked by the API's token scopes)

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

ENDPOINTS: dict[str, str] = {
    "static": PUBLIC,
    "dashboard.healthz": PUBLIC,
    "dashboard.favicon": PUBLIC,
    "dashboard.index": "dashboard.view",
    "dashboard.jobs": "jobs.view",
    "auth.login": PUBLIC,
    "auth.login_code": PUBLIC,
    "auth.logout": PUBLIC,
    "auth.enrol": PUBLIC,
    "auth.enrol_qr": PUBLIC,
    "auth.recovery_codes": SIGNED_IN,
    "auth.forgot_password": PUBLIC,
    "auth.reset_password": PUBLIC,
    "auth.accept_invite": PUBLIC,
    "auth.account": SIGNED_IN,
    "auth.change_password": SIGNED_IN,
    "auth.regenerate_recovery_codes": SIGNED_IN,
    "auth.disable_2fa": SIGNED_IN,
    "auth.users": "users.manage",
    "auth.invite_user": "users.manage",
    "auth.user_detail": "users.manage",
    "auth.change_role": "users.manage",
    "auth.set_user_active": "users.manage",
    "auth.reset_user_2fa": "users.manage",
    "auth.audit_log": "audit.view",
    "api.openapi_json": PUBLIC,
    "api.swagger_ui": PUBLIC,
    "api.redoc": PUBLIC,
    "api_tokens.index": SIGNED_IN,
    "api_tokens.create": SIGNED_IN,
    "api_tokens.revoke": SIGNED_IN,
    "webhooks.index": "webhooks.manage",
    "webhooks.create": "webhooks.manage",
    "webhooks.detail": "webhooks.manage",
    "webhooks.update": "webhooks.manage",
    "webhooks.delete": "webhooks.manage",
    "webhooks.redeliver": "webhooks.manage",
    "reporting.index": "reports.view",
    "reporting.show": "reports.view",
    "reporting.export_csv": "reports.view",
    "customers.index": "customers.view",
    "customers.detail": "customers.view",
    "customers.tab": "customers.view",
    "customers.export": "customers.export",
    "customers.create": "customers.edit",
    "customers.edit": "customers.edit",
    "customers.edit_billing": "customers.edit_billing",
    "customers.deactivate": "customers.edit",
    "customers.reactivate": "customers.edit",
    "customers.delete": "customers.delete",
    "customers.add_note": "customers.note",
    "customers.new_contact": "customers.edit",
    "customers.edit_contact": "customers.edit",
    "customers.delete_contact": "customers.edit",
    "customers.import_upload": "customers.import",
    "customers.import_mapping": "customers.import",
    "customers.import_start": "customers.import",
    "customers.import_progress": "customers.import",
    "customers.import_report": "customers.import",
    "tickets.index": "tickets.view",
    "tickets.detail": "tickets.view",
    "tickets.new": "tickets.reply",
    "tickets.attachment": "tickets.view",
    "tickets.reply": "tickets.reply",
    "tickets.canned_insert": "tickets.reply",
    "tickets.update": "tickets.reply",
    "tickets.link_customer": "tickets.reply",
    "tickets.canned": "tickets.manage",
    "tickets.create_canned_response": "tickets.manage",
    "tickets.delete_canned_response": "tickets.manage",
    "tickets.inbound_mail": API,
    "portal.login": PUBLIC,
    "portal.login_code": PUBLIC,
    "portal.logout": PUBLIC,
    "portal.forgot_password": PUBLIC,
    "portal.reset_password": PUBLIC,
    "portal.accept_invite": PUBLIC,
    "portal.index": PORTAL,
    "portal.tickets": PORTAL,
    "portal.new_ticket": PORTAL,
    "portal.ticket": PORTAL,
    "portal.reply": PORTAL,
    "portal.close_ticket": PORTAL,
    "portal.reopen_ticket": PORTAL,
    "portal.attachment": PORTAL,
    "portal.account": PORTAL,
    "portal.change_password": PORTAL,
    "portal.enrol_2fa": PORTAL,
    "portal.enrol_qr": PORTAL,
    "portal.disable_2fa": PORTAL,
    "portal.regenerate_recovery_codes": PORTAL,
    "portal.invoices": PORTAL,
    "portal.invoice": PORTAL,
    "portal.invoice_pdf": PORTAL,
    "portal.invoice_pdf_status": PORTAL,
    "portal.credit_note_pdf": PORTAL,
    "portal.credit_note_pdf_status": PORTAL,
    "portal.statement": PORTAL,
    "portal.statement_pdf": PORTAL,
    "portal.statement_pdf_status": PORTAL,
    "portal.services": PORTAL,
    "portal.service": PORTAL,
    "portal.cancel_service": PORTAL,
    "portal.keep_service": PORTAL,
    "portal.catalog": PORTAL,
    "portal.new_order": PORTAL,
    "portal.order_preview": PORTAL,
    "portal.orders": PORTAL,
    "portal.order": PORTAL,
    "portal_access.invite": "portal.invite",
    "portal_access.revoke": "portal.invite",
    "products.index": "products.view",
    "products.detail": "products.view",
    "products.new": "products.edit",
    "products.edit": "products.edit",
    "products.archive": "products.edit",
    "products.restore": "products.edit",
    "products.delete": "products.edit",
    "products.groups": "products.edit",
    "products.edit_group": "products.edit",
    "products.tax_rates": "products.view",
    "products.new_tax_rate": "taxes.edit",
    "products.edit_tax_rate": "taxes.edit",
    "products.supersede_tax_rate": "taxes.edit",
    "products.delete_tax_rate": "taxes.edit",
    "settings.index": "settings.billing",
    "settings.company": "settings.edit",
    "settings.upload_logo": "settings.edit",
    "settings.remove_logo": "settings.edit",
    "settings.logo": PUBLIC,
    "settings.locale": "settings.edit",
    "settings.invoicing": "settings.billing",
    "settings.helpdesk": "settings.edit",
    "settings.rename_department": "settings.edit",
    "settings.notifications": "settings.edit",
    "settings.security": "settings.edit",
    "settings.email_templates": "settings.view",
    "settings.email_template": "settings.edit",
    "settings.email_template_preview": "settings.view",
    "settings.email_template_preview_html": "settings.view",
    "settings.reset_email_template": "settings.edit",
    "invoices.index": "invoices.view",
    "invoices.summary": "invoices.view",
    "invoices.export": "invoices.export",
    "invoices.detail": "invoices.view",
    "invoices.pdf": "invoices.view",
    "invoices.credit_note_pdf": "invoices.view",
    "invoices.new": "invoices.edit",
    "invoices.edit": "invoices.edit",
    "invoices.preview": "invoices.edit",
    "invoices.line_row": "invoices.edit",
    "invoices.delete": "invoices.edit",
    "invoices.issue": "invoices.edit",
    "invoices.email": "invoices.edit",
    "invoices.record_payment": "invoices.payments",
    "invoices.void": "invoices.void",
    "invoices.credit_note": "invoices.void",
    "invoices.prepare_statement": "invoices.view",
    "invoices.statement_pdf": "invoices.view",
    "orders.index": "orders.view",
    "orders.new": "orders.edit",
    "orders.preview": "orders.edit",
    "orders.line_row": "orders.edit",
    "orders.detail": "orders.view",
    "orders.edit": "orders.edit",
    "orders.accept": "orders.decide",
    "orders.cancel": "orders.decide",
    "orders.fraud": "orders.decide",
    "services.index": "services.view",
    "services.detail": "services.view",
    "services.action": "services.manage",
    "services.change": "services.manage",
    "billing.runs": "billing.view",
    "billing.run_detail": "billing.view",
    "billing.start_run": "billing.run",
}

# Every route of a blueprint with one of these prefixes has the given level.
ENDPOINT_PREFIXES: dict[str, str] = {
    "api_v1.": API,
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
