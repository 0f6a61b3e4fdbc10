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
    order: int = 100


NAVIGATION: list[NavItem] = [
    NavItem("Dashboard", "speedometer2", "dashboard.index", "dashboard.view", order=0),
    NavItem("Background jobs", "cpu", "dashboard.jobs", "jobs.view", "admin", order=950),
]


def register_nav(item: NavItem) -> None:
    """Add an entry (a domain calls this in its package `__init__`).

    `order` places it: 10 customers, 20 orders, 30 services, 40 invoices,
    50 tickets, 60 products, 70 reports; admin section 900+.
    """
    if all(existing.endpoint != item.endpoint for existing in NAVIGATION):
        NAVIGATION.append(item)
        NAVIGATION.sort(key=lambda entry: entry.order)


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
