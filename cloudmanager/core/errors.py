"""Domain errors raised by services, and error handlers that negotiate the answer.

Services raise `DomainError` subclasses; views turn them into messages next to
fields. Anything that escapes becomes JSON (problem+json) for the API, a toast
for htmx, or an error page otherwise.
"""

import logging

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

from cloudmanager.core.htmx import is_htmx, toast
from cloudmanager.extensions import db

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A business rule refused the operation; the message is for the user."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationFailed(DomainError):
    """Input broke one or more rules; `errors` maps field names to messages."""

    status_code = 422

    def __init__(self, errors: dict[str, str], message: str = "Please correct the errors below."):
        super().__init__(message)
        self.errors = errors


class NotFound(DomainError):
    """The object does not exist, or the caller may not know that it does."""

    status_code = 404


class PermissionDenied(DomainError):
    """The caller's role does not allow this action."""

    status_code = 403


class Conflict(DomainError):
    """The operation conflicts with the current state (duplicate, already done…)."""

    status_code = 409


def wants_json() -> bool:
    """API paths and clients that prefer JSON get problem+json."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and not request.accept_mimetypes["text/html"]


def problem(status: int, title: str, detail: str = "", **extra) -> Response:
    """An RFC 9457 problem document."""
    body = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def error_response(status: int, title: str, detail: str = "", **extra) -> BaseResponse:
    """Answer an error in the shape the client asked for."""
    if wants_json():
        return problem(status, title, detail, **extra)
    if is_htmx():
        response = Response("", status=status)
        return toast(response, detail or title, "danger")
    template = f"errors/{status}.html" if status in (403, 404, 500) else "errors/error.html"
    html = render_template(template, status=status, title=title, detail=detail)
    return Response(html, status=status)


def handle_http_exception(error: HTTPException) -> BaseResponse:
    """Werkzeug's 4xx/5xx (abort(404) and friends)."""
    if error.code is None or error.code < 400:
        return error.get_response()
    response = error_response(error.code, error.name, error.description or "")
    if error.code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    for name, value in getattr(error, "extra_headers", {}).items():
        response.headers[name] = value
    return response


def handle_domain_error(error: DomainError) -> BaseResponse:
    """A refused business rule that no view caught."""
    db.session.rollback()
    extra: dict = {}
    if isinstance(error, ValidationFailed):
        extra["errors"] = [
            {"field": name, "message": message} for name, message in error.errors.items()
        ]
    title = {
        404: "Not Found",
        403: "Forbidden",
        409: "Conflict",
        422: "Unprocessable Content",
    }.get(error.status_code, "Bad Request")
    return error_response(error.status_code, title, error.message, **extra)


def handle_unexpected(error: Exception) -> BaseResponse:
    """A bug: roll back, log, and show a calm 500."""
    db.session.rollback()
    log.exception("Unhandled error on %s %s", request.method, request.path)
    return error_response(500, "Internal Server Error", "Something went wrong on our side.")


def init_app(app: Flask) -> None:
    """Register the handlers."""
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(DomainError, handle_domain_error)
    if not app.config.get("TESTING") or app.config.get("HANDLE_500_IN_TESTS"):
        app.register_error_handler(Exception, handle_unexpected)
