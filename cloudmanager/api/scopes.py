"""API scopes: read or write per area, each tied to a permission of the matrix.

A token's scope is only honoured while its owner's role holds the matching
permission, so a token never grants more than its owner may do.
"""

AREAS = ("customers", "catalog", "orders", "invoices", "tickets")

# scope → permission of cloudmanager.core.permissions.PERMISSIONS
SCOPE_PERMISSIONS: dict[str, str] = {
    "customers:read": "customers.view",
    "customers:write": "customers.edit",
    "catalog:read": "products.view",
    "catalog:write": "products.edit",
    "orders:read": "orders.view",
    "orders:write": "orders.edit",
    "invoices:read": "invoices.view",
    "invoices:write": "invoices.edit",
    "tickets:read": "tickets.view",
    "tickets:write": "tickets.reply",
}

SCOPE_LABELS = {
    scope: f"{'Read' if scope.endswith(':read') else 'Write'} {scope.split(':')[0]}"
    for scope in SCOPE_PERMISSIONS
}


def scope_allowed_for_role(scope: str, role: str) -> bool:
    """Whether a user with `role` may hold (and use) `scope`."""
    from cloudmanager.core.permissions import PERMISSIONS

    permission = SCOPE_PERMISSIONS.get(scope)
    return permission is not None and role in PERMISSIONS.get(permission, frozenset())


def scopes_for_role(role: str) -> list[str]:
    """The scopes a user with `role` can put on a token."""
    return [scope for scope in SCOPE_PERMISSIONS if scope_allowed_for_role(scope, role)]
