"""Renders the permission matrix as Markdown for `docs/permissions.md`."""

from cloudmanager.core.permissions import (
    API,
    ENDPOINT_PREFIXES,
    ENDPOINTS,
    PERMISSION_LABELS,
    PERMISSIONS,
    PORTAL,
    PUBLIC,
    ROLE_LABELS,
    ROLES,
    SIGNED_IN,
)


def render_permissions_markdown() -> str:
    """The matrix (permissions × roles) and the route → permission table."""
    lines = [
        "# Permissions",
        "",
        "Generated from `cloudmanager/core/permissions.py` (the matrix) and"
        " `cloudmanager/core/endpoints.py` (the routes) by `flask permissions-doc`;"
        " a test fails when this file is out of date.",
        "",
        "## Roles and permissions",
        "",
        "| permission | what it allows | " + " | ".join(ROLE_LABELS[r] for r in ROLES) + " |",
        "| --- | --- | " + " | ".join("---" for _ in ROLES) + " |",
    ]
    for name, roles in PERMISSIONS.items():
        marks = " | ".join("✔" if role in roles else "" for role in ROLES)
        lines.append(f"| `{name}` | {PERMISSION_LABELS.get(name, '')} | {marks} |")
    levels = {
        PUBLIC: "anyone",
        SIGNED_IN: "any signed-in staff user",
        PORTAL: "signed-in customer (portal)",
        API: "API token (scopes)",
    }
    lines += ["", "## Routes", "", "| route endpoint | needs |", "| --- | --- |"]
    for endpoint, needed in sorted(ENDPOINTS.items()):
        lines.append(f"| `{endpoint}` | {levels.get(needed, f'`{needed}`')} |")
    for prefix, needed in sorted(ENDPOINT_PREFIXES.items()):
        lines.append(f"| `{prefix}*` | {levels.get(needed, f'`{needed}`')} |")
    return "\n".join(lines) + "\n"
