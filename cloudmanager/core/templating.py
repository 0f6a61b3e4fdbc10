"""Template filters and globals shared by every page, email and PDF."""

import json
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from flask import Flask, current_app

from cloudmanager.core.csrf_tokens import csrf_token
from cloudmanager.core.forms import line_messages
from cloudmanager.core.list_links import pager, sort_header_row
from cloudmanager.core.money import format_money
from cloudmanager.core.permissions import ROLE_LABELS
from cloudmanager.core.urls import asset_tags, fixed_url, list_url, static_url

DEFAULT_DATE_FORMAT = "%d %b %Y"
# strftime's %b in the C locale (the process never sets LC_TIME).
MONTH_ABBREVIATIONS = ("", *"Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split())


def format_date(value: date | datetime | None, fmt: str = DEFAULT_DATE_FORMAT) -> str:
    """A date as `26 Nov 2026`; empty for None."""
    if not value:
        return ""
    if fmt == DEFAULT_DATE_FORMAT:  # strftime takes 2 µs, and a list formats a date per row
        return f"{value.day:02d} {MONTH_ABBREVIATIONS[value.month]} {value.year}"
    return value.strftime(fmt)


def format_datetime(value: datetime | None, fmt: str = "%d %b %Y %H:%M") -> str:
    """A timestamp as `26 Nov 2026 14:05`; empty for None."""
    return value.strftime(fmt) if value else ""


def initials(name: str | None) -> str:
    """Up to two capital letters for an avatar: "Ada Lovelace" -> "AL"."""
    words = [word for word in (name or "").replace(".", " ").split() if word[:1].isalnum()]
    if not words:
        return "?"
    letters = words[0][:1] + (words[-1][:1] if len(words) > 1 else "")
    return letters.upper()


def has_endpoint(name: str) -> bool:
    """True when a route `name` exists (layouts link to blueprints that may be absent)."""
    return name in current_app.view_functions


def htmx_headers() -> str:
    """The JSON for `hx-headers` on <body>: every htmx request carries the CSRF token."""
    return _htmx_headers(csrf_token())


@lru_cache(maxsize=256)
def _htmx_headers(token: str) -> str:
    return json.dumps({"X-CSRFToken": token})


def init_app(app: Flask) -> None:
    """Register filters and globals."""
    app.add_template_filter(format_money, "money")
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(initials, "initials")
    app.add_template_filter(line_messages, "line_messages")
    app.add_template_global(htmx_headers)
    app.add_template_global(has_endpoint)
    app.add_template_global(fixed_url)
    app.add_template_global(static_url)
    app.add_template_global(list_url)
    app.add_template_global(asset_tags)
    app.add_template_global(sort_header_row)
    app.add_template_global(pager)
    app.jinja_env.globals["role_labels"] = ROLE_LABELS

    from cloudmanager.core.navigation import (
        navigation_html,
        navigation_sections,
        visible_navigation,
    )

    layout_helpers = {
        "navigation": visible_navigation,
        "navigation_sections": navigation_sections,
        "navigation_html": navigation_html,
        # Flask-WTF's context processor offers its own csrf_token; this one, registered
        # later, wins: it signs the token once a minute instead of on every page.
        "csrf_token": csrf_token,
    }

    @app.context_processor
    def inject_layout_helpers() -> dict[str, Any]:
        return layout_helpers
