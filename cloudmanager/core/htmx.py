"""One URL, two shapes: full pages for browsers, fragments for htmx requests."""

import json
from typing import Any

from flask import Flask, Response, make_response, redirect, render_template, request
from werkzeug.wrappers import Response as BaseResponse


def is_htmx() -> bool:
    """True when the request was sent by htmx (and is not a history restore)."""
    environ = request.environ  # the headers' mapping costs more than the answer
    return (
        environ.get("HTTP_HX_REQUEST") == "true"
        and environ.get("HTTP_HX_HISTORY_RESTORE_REQUEST") != "true"
    )


def htmx_target() -> str | None:
    """The id of the element htmx will swap, if any."""
    return request.headers.get("HX-Target")


def render_page(
    template: str, fragment: str | None = None, status: int = 200, **context: Any
) -> Response:
    """Render the page, or only `fragment` when htmx asks for it."""
    name = fragment if fragment and is_htmx() else template
    response = make_response(render_template(name, **context), status)
    response.vary.add("HX-Request")
    return response


def htmx_only(view):
    """For fragment endpoints: a browser opening the URL directly gets a 404 page."""
    from functools import wraps

    from flask import abort

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not is_htmx():
            abort(404)
        return view(*args, **kwargs)

    # Page-walking tests skip views marked like this.
    wrapper.htmx_only = True
    return wrapper


def redirect_to(url: str) -> BaseResponse:
    """A redirect that htmx follows as a full navigation (HX-Redirect, never a 3xx)."""
    if is_htmx():
        response = make_response("", 204)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url)


def trigger(response: BaseResponse, event: str, detail: Any = None) -> BaseResponse:
    """Add an event to the response's HX-Trigger header, keeping those already set."""
    events: dict[str, Any] = {}
    existing = response.headers.get("HX-Trigger")
    if existing:
        try:
            events = json.loads(existing)
        except ValueError:
            events = {name.strip(): None for name in existing.split(",")}
    events[event] = detail
    response.headers["HX-Trigger"] = json.dumps(events)
    return response


def toast(response: BaseResponse, message: str, level: str = "success") -> BaseResponse:
    """Show a toast in the browser once htmx has swapped the response."""
    return trigger(response, "toast", {"message": message, "level": level})


def convert_redirects(response: BaseResponse) -> BaseResponse:
    """htmx requests never get a 3xx: turn any redirect into HX-Redirect."""
    if is_htmx() and 300 <= response.status_code < 400 and response.location:
        location = response.location
        response = make_response("", 204)
        response.headers["HX-Redirect"] = location
    return response


def init_app(app: Flask) -> None:
    """Register the redirect conversion on every response."""
    app.after_request(convert_redirects)
