"""URLs that depend only on their arguments, built once per URL map and script root.

The layout builds the same dozen URLs (stylesheets, scripts, sidebar entries) on
every page; `url_for` costs about 7 µs each. A URL without request-dependent
parts is the same for every request of an app mounted at the same script root.
"""

from typing import Any, Mapping
from urllib.parse import urlencode

from flask import current_app, request, url_for
from markupsafe import Markup, escape

from cloudmanager.core.bounded import BoundedDict

_URLS: dict[tuple, str] = {}


def fixed_url(endpoint: str, **values: Any) -> str:
    """`url_for(endpoint, **values)`, remembered for this URL map and script root."""
    key = (id(current_app.url_map), request.script_root, endpoint, tuple(sorted(values.items())))
    url = _URLS.get(key)
    if url is None:
        url = _URLS[key] = url_for(endpoint, **values)
    return url


def static_url(filename: str) -> str:
    """The URL of a file under `static/` (for the layout's assets)."""
    return fixed_url("static", filename=filename)


ICON = "img/favicon.svg"
STYLESHEETS = (
    "vendor/inter/inter.css",
    "vendor/bootstrap/bootstrap.min.css",
    "vendor/bootstrap-icons/bootstrap-icons.min.css",
    "css/app.css",
)
SCRIPTS = (
    "vendor/htmx/htmx.min.js",
    "vendor/bootstrap/bootstrap.bundle.min.js",
    "js/app.js",
    "js/confirm.js",
    "js/keyboard.js",
)


def asset_tags() -> Markup:
    """The layout's icon, stylesheet and (deferred) script tags, built once like the URLs."""
    key = (id(current_app.url_map), request.script_root)
    tags = _ASSET_TAGS.get(key)
    if tags is None:
        lines = [f'<link rel="icon" href="{escape(static_url(ICON))}" type="image/svg+xml">']
        lines += [f'<link rel="stylesheet" href="{escape(static_url(c))}">' for c in STYLESHEETS]
        lines += [f'<script src="{escape(static_url(j))}" defer></script>' for j in SCRIPTS]
        tags = _ASSET_TAGS[key] = Markup("\n  ".join(lines))
    return tags


_ASSET_TAGS: dict[tuple, Markup] = {}


# The characters url_for leaves unquoted in a query string (werkzeug's choice).
QUERY_SAFE = "!$'()*,/:;?@"


def list_url(endpoint: str, params: Mapping[str, Any]) -> str:
    """`url_for(endpoint, **params)` for the links of a list page (sort headers, pager).

    The endpoint's fixed URL plus a query string: a list page builds a dozen of
    these, and routing each through `url_for` costs more than the rows. An
    endpoint with URL arguments still goes through `url_for`.
    """
    if _has_arguments(endpoint):
        return url_for(endpoint, **params)
    key = (id(current_app.url_map), request.script_root, endpoint, tuple(params.items()))
    return _LIST_URLS.get_or_build(key, lambda: _query_url(endpoint, params))


def _query_url(endpoint: str, params: Mapping[str, Any]) -> str:
    items = [(name, value) for name, value in params.items() if value is not None]
    query = urlencode(items, doseq=True, safe=QUERY_SAFE)
    base = fixed_url(endpoint)
    return f"{base}?{query}" if query else base


# The same filters give the same sort and "First" links on every request: remembered.
_LIST_URLS: BoundedDict[tuple, str] = BoundedDict(4096)


def _has_arguments(endpoint: str) -> bool:
    key = (id(current_app.url_map), endpoint)
    found = _ARGUMENTS.get(key)
    if found is None:
        found = _ARGUMENTS[key] = any(
            rule.arguments for rule in current_app.url_map.iter_rules(endpoint)
        )
    return found


_ARGUMENTS: dict[tuple, bool] = {}
