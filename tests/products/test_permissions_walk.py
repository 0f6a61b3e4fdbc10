"""Every catalog and settings route, for every role: allowed roles pass, the others get 403."""

import pytest

from cloudmanager.core.permissions import ENDPOINTS, PERMISSIONS, PUBLIC, ROLES

BLUEPRINTS = ("products", "settings")


def our_rules(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint.split(".")[0] in BLUEPRINTS]


@pytest.fixture
def objects(db, make_product, make_rate):
    """Ids for the URL parameters of the routes."""
    from cloudmanager.products.groups import save_group

    group = save_group(None, {"name": "Servers"})
    db.session.commit()
    return {
        "product_id": make_product().id,
        "rate_id": make_rate().id,
        "group_id": group.id,
        "event": "invoice_issued",
        "name": "missing.png",
    }


def test_every_catalog_and_settings_route_is_in_the_matrix(app):
    missing = [r.endpoint for r in our_rules(app) if r.endpoint not in ENDPOINTS]
    assert missing == []


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_exactly_the_routes_its_permissions_allow(
    app, client, login_as, objects, role
):
    login_as(role)
    checked = 0
    for rule in our_rules(app):
        url = rule.build({k: objects[k] for k in rule.arguments}, append_unknown=False)[1]
        needed = ENDPOINTS[rule.endpoint]
        allowed = needed == PUBLIC or role in PERMISSIONS[needed]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method, data={})
            if allowed:
                assert response.status_code != 403, (method, url)
                assert response.status_code < 500, (method, url)
            else:
                assert response.status_code == 403, (method, url, response.status_code)
            checked += 1
    assert checked >= 30


def test_signed_out_visitors_are_sent_to_sign_in_except_for_the_logo(app, client, objects):
    for rule in our_rules(app):
        url = rule.build({k: objects[k] for k in rule.arguments}, append_unknown=False)[1]
        response = client.get(url) if "GET" in rule.methods else client.post(url)
        if ENDPOINTS[rule.endpoint] == PUBLIC:
            assert response.status_code == 404  # the logo route; no logo stored
        else:
            assert response.status_code == 302 and "/login" in response.location, url
