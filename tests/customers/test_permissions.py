"""Every customer route for every role follows the permission matrix."""

import pytest

from cloudmanager.core.permissions import ENDPOINTS, PERMISSIONS, ROLES
from cloudmanager.customers.contacts import add_contact
from cloudmanager.customers.imports import upload_import

CSV = b"name,email,country\nAcme,acme@example.com,DE\n"


def customer_rules(app):
    return sorted(
        (rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("customers.")),
        key=lambda rule: rule.endpoint,
    )


def test_every_customer_route_is_in_the_matrix(app):
    missing = [r.endpoint for r in customer_rules(app) if r.endpoint not in ENDPOINTS]
    assert missing == []


def test_matrix_gives_agents_read_and_accountants_billing():
    assert PERMISSIONS["customers.view"] == frozenset(ROLES)
    assert PERMISSIONS["customers.edit"] == {"admin", "manager"}
    assert PERMISSIONS["customers.edit_billing"] == {"admin", "manager", "accountant"}
    assert PERMISSIONS["customers.delete"] == {"admin"}


def _fill(rule, ids):
    values = {arg: ids.get(arg, "orders") for arg in rule.arguments}  # "key": a tab
    return rule.build(values, append_unknown=False)[1]


def _objects(db, make_customer, users):
    customer = make_customer()
    contact = add_contact(customer, {"name": "Ann"}, by=None)
    batch = upload_import("in.csv", CSV, by=users["admin"])
    db.session.commit()
    return {"customer_id": customer.id, "contact_id": contact.id, "batch_id": batch.id}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_exactly_the_customer_routes_it_may(
    app, db, client, users, login_as, make_customer, role
):
    login_as(users[role])
    for rule in customer_rules(app):
        ids = _objects(db, make_customer, users)
        url = _fill(rule, ids)
        method = "POST" if "POST" in rule.methods else "GET"
        response = client.open(url, method=method, data={})
        allowed = role in PERMISSIONS[ENDPOINTS[rule.endpoint]]
        if allowed:
            assert response.status_code != 403, (role, rule.endpoint)
            assert response.status_code < 500, (role, rule.endpoint)
        else:
            assert response.status_code == 403, (role, rule.endpoint, response.status_code)


def test_anonymous_visitors_are_sent_to_sign_in(app, db, client, users, make_customer):
    ids = _objects(db, make_customer, users)
    for rule in customer_rules(app):
        method = "POST" if "POST" in rule.methods else "GET"
        response = client.open(_fill(rule, ids), method=method)
        assert response.status_code in (302, 303), rule.endpoint
        assert "/login" in response.headers["Location"]
