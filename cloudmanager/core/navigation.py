"""The back-office navigation, filtered by what the signed-in user may open."""

from dataclasses import dataclass

from flask import url_for
from flask_login import current_user


@dataclass(frozen=True)
class NavItem:
    """One entry of the sidebar: label, icon, endpoint and the permission it needs."""

    label: str
    icon: str
    endpoint: str
    permission: str | None = None
    section: str = "main"


NAVIGATION: list[NavItem] = [
    NavItem("Dashboard", "speedometer2", "dashboard.index"),
]


def register_nav(item: NavItem) -> None:
    """Add an entry (domains call this when their blueprint is imported)."""
    if item not in NAVIGATION:
        NAVIGATION.append(item)


def visible_navigation() -> list[dict]:
    """Entries the current user may open, with their URLs resolved."""
    from cloudmanager.core.permissions import can

    items = []
    for item in NAVIGATION:
        if item.permission and not can(current_user, item.permission):
            continue
        items.append(
            {
                "label": item.label,
                "icon": item.icon,
                "url": url_for(item.endpoint),
                "endpoint": item.endpoint,
                "section": item.section,
            }
        )
    return items
