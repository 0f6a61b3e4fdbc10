"""Bearer-token authentication of /api/v1: no cookies, no CSRF, a rate limit per token."""

from datetime import timedelta

from flask import current_app, g, request
from werkzeug.wrappers import Response as BaseResponse

from cloudmanager.api import v1
from cloudmanager.api.tokens import effective_scopes, find_token
from cloudmanager.core.audit import client_address
from cloudmanager.core.errors import problem
from cloudmanager.core.timeutil import utcnow
from cloudmanager.extensions import csrf, db, limiter

LAST_USED_RESOLUTION = timedelta(minutes=1)  # avoid a write on every call


def rate_limit_key() -> str:
    """Count requests per token (per client address for requests without one)."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer cm_"):
        return "api-token:" + header[10:].split("_", 1)[0]
    return "api-anon:" + (request.remote_addr or "")


def unauthorized(detail: str) -> BaseResponse:
    """401 with the challenge header."""
    response = problem(401, "Unauthorized", detail)
    response.headers["WWW-Authenticate"] = 'Bearer realm="CloudManager API"'
    return response


@v1.before_request
def authenticate_token():
    """Resolve the bearer token; session cookies are never accepted here."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return unauthorized("Send a token in the header `Authorization: Bearer <token>`.")
    token = find_token(header[len("Bearer ") :].strip())
    if token is None:
        return unauthorized("The token is unknown, expired or revoked.")
    g.api_token = token
    g.api_user = token.user
    g.api_scopes = effective_scopes(token)
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        token.last_used_at = now
        token.last_used_ip = client_address()
        db.session.commit()
    return None


csrf.exempt(v1)
limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=rate_limit_key)(v1)
