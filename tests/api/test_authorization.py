"""Scopes and roles on every operation: the registry is walked, so a new operation is covered."""

import re

import pytest

from cloudmanager.api.registry import OPERATIONS
from cloudmanager.api.scopes import SCOPE_PERMISSIONS, scopes_for_role
from cloudmanager.core.permissions import PERMISSIONS, ROLES

SCOPED = [op for op in OPERATIONS if op.scope]


def _path(op) -> str:
    """The operation's path with every id set to 1 (no row needed: checks come first)."""
    return re.sub(r"<(?:\w+:)?\w+>", "1", op.rule)


def _call(api, op):
    body = {} if op.method in ("POST", "PATCH") else None
    return api.request(op.method, _path(op), json=body)


def test_every_operation_but_me_needs_a_known_scope():
    assert {op.endpoint for op in OPERATIONS if not op.scope} == {"me"}
    for op in SCOPED:
        assert op.scope in SCOPE_PERMISSIONS, op.endpoint
        assert op.permission in PERMISSIONS, op.endpoint


@pytest.mark.parametrize("op", SCOPED, ids=lambda op: op.endpoint)
def test_a_token_without_the_scope_is_refused(api_as, op):
    others = [scope for scope in scopes_for_role("admin") if scope != op.scope]
    response = _call(api_as("admin", scopes=others), op)
    assert response.status_code == 403, response.json
    assert response.mimetype == "application/problem+json"
    assert op.scope in response.json["detail"]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_the_operations_its_permissions_allow(api_as, role):
    api = api_as(role)
    for op in SCOPED:
        response = _call(api, op)
        may = (
            role in PERMISSIONS[SCOPE_PERMISSIONS[op.scope]] and role in PERMISSIONS[op.permission]
        )
        if may:
            assert response.status_code not in (401, 403), (role, op.endpoint, response.json)
        else:
            assert response.status_code == 403, (role, op.endpoint, response.status_code)
            assert response.mimetype == "application/problem+json"


def test_a_token_never_does_more_than_its_owners_current_role(api_as, db, make_user, server):
    manager = make_user("manager")
    api = api_as(manager, scopes=["orders:write", "orders:read", "customers:write"])
    customer = api.post("/customers", {"name": "Acme", "email": "a@acme.example", "country": "DE"})
    assert customer.status_code == 201
    manager.role = "agent"  # demoted: customers:write is gone, orders:write stays (agents edit)
    db.session.commit()
    assert api.get("/me").json["scopes"] == ["orders:read", "orders:write"]
    refused = api.post("/customers", {"name": "B", "email": "b@acme.example", "country": "DE"})
    assert refused.status_code == 403
    order = api.post(
        "/orders",
        {"customer_id": customer.json["id"], "lines": [{"product_id": server.id}]},
    )
    assert order.status_code == 201
    accepted = api.post(f"/orders/{order.json['id']}/accept")
    assert accepted.status_code == 403 and "orders.decide" in accepted.json["detail"]


def test_an_expired_or_revoked_token_is_refused_on_every_operation(client, db, make_user, api_as):
    from datetime import timedelta

    from cloudmanager.api.tokens import revoke_token
    from cloudmanager.core.timeutil import utcnow
    from tests.api.helpers import bearer, make_token

    user = make_user("admin")
    revoked, revoked_secret = make_token(db, user, name="revoked")
    revoke_token(revoked, by=user)
    expired, expired_secret = make_token(db, user, name="expired")
    expired.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    for secret in (revoked_secret, expired_secret):
        for op in OPERATIONS:
            response = client.open(
                "/api/v1" + _path(op), method=op.method, json={}, headers=bearer(secret)
            )
            assert response.status_code == 401, (op.endpoint, response.status_code)
            assert response.mimetype == "application/problem+json"
