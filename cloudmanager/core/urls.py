"""URLs that depend only on their arguments, built once per URL map and script root.

The layout builds the same dozen URLs (stylesheets, scripts, sidebar entries) on
every page; `url_for` costs about 7 µs each. A URL without request-dependent
parts is the same for every request of an app mounted at the same script root.
"""

from typing import Any

from flask import current_app, request, url_for

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
