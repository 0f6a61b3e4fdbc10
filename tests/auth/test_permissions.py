"""Every route is in the permission matrix, and every role gets what the matrix says."""

import re

import pytest

from cloudmanager.core.permissions import (
    API,
    ENDPOINTS,
    PERMISSIONS,
    PORTAL,
    PUBLIC,
    ROLES,
    SIGNED_IN,
    required_permission,
)


def routes(app):
    """(endpoint, a concrete GET-able URL or None, methods) for every rule."""
    for rule in app.url_map.iter_rules():
        url = re.sub(r"<(?:int:)?[^>]+>", "1", rule.rule)
        url = url.replace("<path:filename>", "css/app.css")
        yield rule.endpoint, url, rule.methods - {"HEAD", "OPTIONS"}


def test_no_route_is_left_out_of_the_matrix(app):
    missing = sorted(
        {endpoint for endpoint, _, _ in routes(app) if required_permission(endpoint) is None}
    )
    assert missing == []


def test_every_permission_named_by_a_route_exists(app):
    levels = {PUBLIC, SIGNED_IN, PORTAL, API}
    unknown = {needed for needed in ENDPOINTS.values() if needed not in levels | set(PERMISSIONS)}
    assert unknown == set()


def expected_allowed(endpoint, role):
    needed = required_permission(endpoint)
    if needed in (PUBLIC, PORTAL, API):
        return None  # not decided by the staff matrix
    if role is None:
        return False
    return needed == SIGNED_IN or role in PERMISSIONS[needed]


@pytest.mark.parametrize("role", [None, *ROLES])
def test_every_route_answers_as_the_matrix_says_for_every_role(app, client, login_as, role):
    if role:
        login_as(role)
    for endpoint, url, methods in routes(app):
        allowed = expected_allowed(endpoint, role)
        if allowed is None:
            continue
        method = "GET" if "GET" in methods else sorted(methods)[0]
        response = client.open(url, method=method)
        if role is None:
            assert response.status_code == 302 and "/login" in response.location, (endpoint, url)
        elif allowed:
            assert response.status_code != 403, (endpoint, role, url)
        else:
            assert response.status_code == 403, (endpoint, role, url, response.status_code)


def test_htmx_fragments_are_refused_the_same_way(client, login_as):
    login_as("agent")
    response = client.get("/admin/audit", headers={"HX-Request": "true"})
    assert response.status_code == 403


def test_navigation_shows_only_what_the_role_may_open(client, login_as):
    login_as("agent")
    page = client.get("/").get_data(as_text=True)
    assert "/admin/audit" not in page and "/admin/users" not in page
    client.post("/logout")
    login_as("admin")
    page = client.get("/").get_data(as_text=True)
    assert "/admin/audit" in page and "/admin/users" in page


def test_docs_permissions_md_is_up_to_date(app):
    from cloudmanager.config import BASE_DIR
    from cloudmanager.core.permissions_doc import render_permissions_markdown

    written = (BASE_DIR / "docs" / "permissions.md").read_text()
    assert written == render_permissions_markdown(), "run `flask permissions-doc`"
