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
    _key, entries = _entries_for_user()
    active = _active_index(entries, request.endpoint or "", request.path)
    return [
        {
            "label": item.label,
            "icon": item.icon,
            "url": url,
            "endpoint": item.endpoint,
            "section": item.section,
            "active": index == active,
        }
        for index, (item, url) in enumerate(entries)
    ]


def _entries_for_user() -> tuple[tuple, tuple[tuple[NavItem, str], ...]]:
    """(entry, URL) pairs the user may open, and their cache key: a function of the role."""
    from cloudmanager.core.permissions import SIGNED_IN, can

    user = current_user._get_current_object()
    role = user.role if can(user, SIGNED_IN) else None
    # NAVIGATION is fixed once the domains are imported (tests swap the list itself).
    key = (id(current_app.url_map), request.script_root, role, id(NAVIGATION), len(NAVIGATION))
    entries = _ENTRIES.get(key)
    if entries is None:
        if len(_ENTRIES) >= MAX_RENDERED:
            _ENTRIES.clear()
        entries = _ENTRIES[key] = tuple(
            (item, fixed_url(item.endpoint))
            for item in NAVIGATION
            if not item.permission or can(user, item.permission)
        )
    return key, entries


def _active_index(entries: tuple[tuple[NavItem, str], ...], endpoint: str, path: str) -> int:
    """The entry of the current page, else the one with the longest URL its path starts with."""
    for index, (item, _url) in enumerate(entries):
        if item.endpoint == endpoint:
            return index
    best, best_length = -1, 0
    for index, (_item, url) in enumerate(entries):
        base = url.split("?")[0].rstrip("/")
        if base and path.startswith(base + "/") and len(base) > best_length:
            best, best_length = index, len(base)
    return best


def navigation_sections() -> list[dict]:
    """The visible entries grouped by section, sections in the order of their entries."""
    sections: dict[str, dict] = {}
    for item in visible_navigation():
        key = item["section"]
        label = SECTION_LABELS.get(key, key.replace("_", " ").title())
        sections.setdefault(key, {"key": key, "label": label, "items": []})["items"].append(item)
    return list(sections.values())


def navigation_html() -> Markup:
    """The sidebar's entries as HTML, rendered once per set of entries and active entry.

    The entries are a function of the role (and the app's URLs); only the active
    entry is worked out per request: a handful of roles times a dozen entries.
    """
    entries_key, entries = _entries_for_user()
    active = _active_index(entries, request.endpoint or "", request.path)
    key = (entries_key, active)
    html = _RENDERED.get(key)
    if html is None:
        if len(_RENDERED) >= MAX_RENDERED:
            _RENDERED.clear()
        template = current_app.jinja_env.get_template("layouts/_navigation.html")
        html = _RENDERED[key] = Markup(template.render(sections=navigation_sections()))
    return html


MAX_RENDERED = 256
_RENDERED: dict[tuple, Markup] = {}
_ENTRIES: dict[tuple, tuple[tuple[NavItem, str], ...]] = {}
