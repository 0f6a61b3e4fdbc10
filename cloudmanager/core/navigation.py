"""The back-office navigation, filtered by what the signed-in user may open."""

from dataclasses import dataclass

from flask import current_app, request
from flask_login import current_user
from markupsafe import Markup

from cloudmanager.core.urls import fixed_url


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


SECTION_LABELS = {"main": "", "admin": "Administration"}


def visible_navigation() -> list[dict]:
    """Entries the current user may open, with their URLs resolved.

    `active` marks the entry of the current page; on a page without its own
    entry (a customer's detail page) the entry whose URL its path starts with.
    """
    from cloudmanager.core.permissions import can

    user = current_user._get_current_object()
    items = []
    for item in NAVIGATION:
        if item.permission and not can(user, item.permission):
            continue
        items.append(
            {
                "label": item.label,
                "icon": item.icon,
                "url": fixed_url(item.endpoint),
                "endpoint": item.endpoint,
                "section": item.section,
                "active": False,
            }
        )
    _mark_active(items, request.endpoint or "", request.path)
    return items


def _mark_active(items: list[dict], endpoint: str, path: str) -> None:
    exact = [item for item in items if item["endpoint"] == endpoint]
    bases = {id(item): item["url"].split("?")[0].rstrip("/") for item in items}
    parents = sorted(
        (item for item in items if bases[id(item)] and path.startswith(bases[id(item)] + "/")),
        key=lambda item: len(bases[id(item)]),
        reverse=True,
    )
    for item in (exact or parents)[:1]:
        item["active"] = True


def navigation_sections() -> list[dict]:
    """The visible entries grouped by section, sections in the order of their entries."""
    sections: dict[str, dict] = {}
    for item in visible_navigation():
        key = item["section"]
        label = SECTION_LABELS.get(key, key.replace("_", " ").title())
        sections.setdefault(key, {"key": key, "label": label, "items": []})["items"].append(item)
    return list(sections.values())


def navigation_html() -> Markup:
    """The sidebar's entries as HTML, rendered once per distinct set of entries.

    The HTML is a function of the visible entries alone (label, icon, URL,
    section, active), which are still worked out per request from the user's
    permissions; only the rendering is reused, and only by requests whose
    entries are equal: a handful of roles times a dozen sections.
    """
    sections = navigation_sections()
    key = tuple(
        (item["label"], item["icon"], item["url"], item["section"], item["active"])
        for section in sections
        for item in section["items"]
    )
    html = _RENDERED.get(key)
    if html is None:
        if len(_RENDERED) >= MAX_RENDERED:
            _RENDERED.clear()
        template = current_app.jinja_env.get_template("layouts/_navigation.html")
        html = _RENDERED[key] = Markup(template.render(sections=sections))
    return html


MAX_RENDERED = 256
_RENDERED: dict[tuple, Markup] = {}
