"""Security headers on every response and cookie flags per environment."""

import pytest

from cloudmanager import create_app
from cloudmanager.config import Config, DevelopmentConfig


def directives(csp: str) -> dict[str, str]:
    """A CSP header as {directive: sources}."""
    parts = (part.strip().split(None, 1) for part in csp.split(";") if part.strip())
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts}


def test_pages_carry_a_strict_csp_and_the_usual_headers(client, login_as):
    login_as("admin")

    response = client.get("/")

    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    policy = directives(csp)
    assert policy["frame-ancestors"] == "'none'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("path", ["/no-such-page", "/healthz", "/static/css/app.css"])
def test_errors_json_and_static_files_carry_the_headers_too(client, path):
    response = client.get(path)
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.fixture
def app_for(database_url):
    """Build an app with a config's cookie and header settings, on the test database."""
    from cloudmanager.extensions import db

    built = []

    def build(base: type[Config]):
        class Configured(base):
            SECRET_KEY = "not-the-production-secret"
            SQLALCHEMY_DATABASE_URI = database_url
            RATELIMIT_STORAGE_URI = "memory://"
            REDIS_URL = ""

        built.append(create_app(Configured))
        return built[-1]

    yield build
    for app in built:
        with app.app_context():
            db.engine.dispose()


def session_cookie(app, user) -> str:
    """The Set-Cookie header of the session after a signed-in page view."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
    response = client.get("/")
    assert response.status_code == 200
    (cookie,) = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    return cookie


def test_production_cookies_are_secure_httponly_samesite_and_hsts_is_sent(app_for, make_user):
    app = app_for(Config)
    user = make_user("admin")

    cookie = session_cookie(app, user)

    assert "; Secure" in cookie
    assert "; HttpOnly" in cookie
    assert "; SameSite=Lax" in cookie
    with app.test_client() as client:
        assert client.get("/healthz").headers["Strict-Transport-Security"].startswith("max-age=")


def test_development_cookies_work_over_plain_http(app_for, make_user):
    app = app_for(DevelopmentConfig)
    user = make_user("admin")

    cookie = session_cookie(app, user)

    assert "; Secure" not in cookie
    assert "; HttpOnly" in cookie
