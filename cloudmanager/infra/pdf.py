"""HTML → PDF with WeasyPrint, fetching nothing but our own static files.

Templates live under `templates/pdf/` and extend `pdf/_base.html`; they link
assets as `/static/...` (resolved against `SERVER_BASE_URL`). The URL fetcher
serves files inside the app's `static/` folder and `data:` URIs, and refuses
everything else (other hosts, `file://` outside static, path tricks), so a
document can never read local files or reach the network. WeasyPrint is
imported on first use (about a second, once per process; the worker pays it at
start); call `render_pdf` from jobs, not from requests.

Every PDF gets `static/css/pdf.css`, parsed once per process (re-read when the
file changes) instead of once per document, and one font configuration per
process: together about a tenth of a one-page invoice's render time.
"""

import logging
import mimetypes
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from flask import current_app, render_template

log = logging.getLogger(__name__)

STYLESHEETS = ("css/pdf.css",)


class FetchRefused(ValueError):
    """A PDF asked for a resource outside our static files."""


def base_url() -> str:
    """The URL relative links in PDF templates are resolved against."""
    return current_app.config["SERVER_BASE_URL"].rstrip("/") + "/"


def static_root() -> Path:
    """The app's static folder, resolved."""
    return Path(str(current_app.static_folder)).resolve()


def static_file_for(url: str) -> Path:
    """The static file `url` names, or FetchRefused when it is anything else."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise FetchRefused(f"refused {url}: file URLs on other hosts")
        candidate = Path(url2pathname(parts.path))
    elif scheme in ("http", "https"):
        ours = urlsplit(base_url())
        if (scheme, parts.netloc.lower()) != (ours.scheme.lower(), ours.netloc.lower()):
            raise FetchRefused(f"refused {url}: only our own static files are fetched")
        prefix = (current_app.static_url_path or "/static").rstrip("/") + "/"
        path = unquote(parts.path)
        if not path.startswith(prefix):
            raise FetchRefused(f"refused {url}: not under {prefix}")
        candidate = static_root() / path[len(prefix) :]
    else:
        raise FetchRefused(f"refused {url}: scheme {scheme or '(none)'!r} is not allowed")
    resolved = candidate.resolve()
    if not resolved.is_relative_to(static_root()):
        raise FetchRefused(f"refused {url}: outside the static folder")
    if not resolved.is_file():
        raise FetchRefused(f"refused {url}: no such static file")
    return resolved


def _weasyprint():
    import weasyprint  # slow: imported once per process, on first use

    return weasyprint


def url_fetcher():
    """A WeasyPrint URL fetcher that serves static files and data: URIs only."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        """Refuses (raises) for every URL but our static files and data: URIs."""

        def fetch(self, url, headers=None):
            if url[:5].lower() == "data:":
                return super().fetch(url, headers)
            try:
                path = static_file_for(url)
            except FetchRefused as refused:
                log.warning("pdf: %s", refused)
                raise
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            if content_type.startswith("text/"):
                content_type += "; charset=utf-8"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})

    # Only data: ever reaches urllib; no redirects, a short timeout for good measure.
    return StaticOnlyFetcher(allowed_protocols=("data",), allow_redirects=False, timeout=2)


@lru_cache(maxsize=1)
def _font_config():
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@lru_cache(maxsize=8)
def _parsed_stylesheet(path: Path, modified: float):
    """A stylesheet parsed by WeasyPrint; `modified` keys the cache to the file's version."""
    return _weasyprint().CSS(
        string=path.read_text(encoding="utf-8"), base_url=path.as_uri(), font_config=_font_config()
    )


def stylesheets(names: tuple[str, ...] = STYLESHEETS) -> list[Any]:
    """The parsed stylesheets under `static/` named by `names`."""
    paths = [static_root() / name for name in names]
    return [_parsed_stylesheet(path, path.stat().st_mtime) for path in paths]


def render_pdf(html: str, **options: Any) -> bytes:
    """The PDF of `html` styled by pdf.css; `options` go to WeasyPrint's `write_pdf`."""
    weasyprint = _weasyprint()
    document = weasyprint.HTML(string=html, base_url=base_url(), url_fetcher=url_fetcher())
    return document.write_pdf(stylesheets=stylesheets(), font_config=_font_config(), **options)


def render_pdf_template(template: str, **context: Any) -> bytes:
    """The PDF of a Jinja template, e.g. `render_pdf_template("pdf/invoice.html", invoice=…)`."""
    return render_pdf(render_template(template, **context))
