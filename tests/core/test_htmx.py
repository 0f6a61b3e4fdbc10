"""htmx helpers: page or fragment by HX-Request (with Vary), HX-Redirect instead of 3xx."""

import json

import pytest
from flask import make_response, redirect
from jinja2 import ChoiceLoader, DictLoader

from cloudmanager.core import permissions
from cloudmanager.core.htmx import redirect_to, render_page, toast, trigger

TEMPLATES = {
    "test/page.html": "<html><h1>Page</h1>{% include 'test/_rows.html' %}</html>",
    "test/_rows.html": "<tr><td>{{ row }}</td></tr>",
}
HTMX = {"HX-Request": "true"}


@pytest.fixture
def test_templates(app):
    """A page and the fragment it includes."""
    app.jinja_env.loader = ChoiceLoader([DictLoader(TEMPLATES), app.jinja_env.loader])


def test_render_page_gives_browsers_the_full_page(app, test_templates):
    with app.test_request_context("/"):
        response = render_page("test/page.html", fragment="test/_rows.html", row="r1")
    body = response.get_data(as_text=True)
    assert body.startswith("<html><h1>Page</h1>") and "<td>r1</td>" in body
    assert "HX-Request" in response.vary


def test_render_page_gives_htmx_only_the_fragment_with_vary(app, test_templates):
    with app.test_request_context("/", headers=HTMX):
        response = render_page("test/page.html", fragment="test/_rows.html", status=422, row="r1")
    assert response.get_data(as_text=True) == "<tr><td>r1</td></tr>"
    assert response.status_code == 422
    assert "HX-Request" in response.vary


def test_history_restore_requests_get_the_full_page(app, test_templates):
    headers = {**HTMX, "HX-History-Restore-Request": "true"}
    with app.test_request_context("/", headers=headers):
        response = render_page("test/page.html", fragment="test/_rows.html", row="r1")
    assert response.get_data(as_text=True).startswith("<html>")


def test_redirect_to_uses_hx_redirect_for_htmx_and_a_302_otherwise(app):
    with app.test_request_context("/", headers=HTMX):
        response = redirect_to("/customers/1")
    assert (response.status_code, response.headers["HX-Redirect"]) == (204, "/customers/1")
    with app.test_request_context("/"):
        response = redirect_to("/customers/1")
    assert (response.status_code, response.location) == (302, "/customers/1")


@pytest.fixture
def redirecting_route(app, monkeypatch):
    """GET /_test/redirect: a view that returns a plain Flask redirect."""
    app.add_url_rule("/_test/redirect", "test_redirect", lambda: redirect("/elsewhere"))
    monkeypatch.setitem(permissions.ENDPOINTS, "test_redirect", permissions.PUBLIC)


def test_any_redirect_becomes_hx_redirect_for_htmx_requests(client, redirecting_route):
    response = client.get("/_test/redirect", headers=HTMX)
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/elsewhere"
    assert client.get("/_test/redirect").status_code == 302


def test_signed_out_htmx_request_is_sent_to_login_with_hx_redirect(client):
    response = client.get("/", headers=HTMX)
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].startswith("/login?next=")


def test_toast_and_trigger_add_up_in_one_hx_trigger_header(app):
    with app.test_request_context("/"):
        response = make_response("")
        trigger(response, "rowsChanged")
        toast(response, "Customer saved")
    assert json.loads(response.headers["HX-Trigger"]) == {
        "rowsChanged": None,
        "toast": {"message": "Customer saved", "level": "success"},
    }
