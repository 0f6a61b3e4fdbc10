"""API tokens: shown once, stored hashed, scoped, revocable; no cookies on the API."""

from datetime import timedelta

import pytest

from cloudmanager.api.models import ApiToken
from cloudmanager.api.tokens import create_token
from cloudmanager.core.errors import ValidationFailed
from cloudmanager.core.timeutil import utcnow
from tests.api.helpers import bearer, make_token


def test_token_secret_is_stored_only_as_a_hash_with_a_visible_prefix(db, make_user):
    user = make_user("manager")
    token, secret = make_token(db, user)
    assert secret.startswith(f"cm_{token.prefix}_")
    row = db.session.get(ApiToken, token.id)
    assert secret not in (row.secret_hash, row.prefix) and len(row.secret_hash) == 64


def test_me_answers_with_the_token_and_its_effective_scopes(client, db, make_user):
    user = make_user("agent")
    token, secret = make_token(db, user, scopes=["customers:read"])
    response = client.get("/api/v1/me", headers=bearer(secret))
    assert response.status_code == 200
    assert response.json["scopes"] == ["customers:read"]
    assert response.json["user_role"] == "agent"
    assert db.session.get(ApiToken, token.id).last_used_at is not None


def test_a_token_cannot_hold_scopes_beyond_its_owners_role(db, make_user):
    agent = make_user("agent")
    with pytest.raises(ValidationFailed) as error:
        create_token(agent, name="x", scopes=["invoices:write"], expires_at=None)
    assert "scopes" in error.value.errors


def test_scopes_shrink_when_the_owner_loses_the_role(client, db, make_user):
    manager = make_user("manager")
    _, secret = make_token(db, manager, scopes=["customers:read", "customers:write"])
    manager.role = "agent"
    db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(secret)).json["scopes"] == ["customers:read"]


@pytest.mark.parametrize("header", [None, "Bearer nope", "Basic abc", "Bearer cm_deadbeef_x"])
def test_missing_or_wrong_tokens_get_a_problem_401(client, header):
    headers = {"Authorization": header} if header else {}
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.json["status"] == 401
    assert "Bearer" in response.headers["WWW-Authenticate"]


def test_revoked_expired_and_disabled_owner_tokens_are_refused(client, db, make_user):
    from cloudmanager.api.tokens import revoke_token

    user = make_user("manager")
    revoked, revoked_secret = make_token(db, user, name="revoked")
    revoke_token(revoked, by=user)
    expired, expired_secret = make_token(db, user, name="expired")
    expired.expires_at = utcnow() - timedelta(seconds=1)
    other = make_user("manager")
    _, disabled_secret = make_token(db, other, name="disabled")
    other.active = False
    db.session.commit()
    for secret in (revoked_secret, expired_secret, disabled_secret):
        assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401


def test_a_session_cookie_does_not_open_the_api(client, login_as):
    login_as("admin")
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/me").status_code == 401


def test_api_requests_need_no_csrf_token(app, client, db, make_user):
    app.config["WTF_CSRF_ENABLED"] = True
    _, secret = make_token(db, make_user("manager"))
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200


def test_unknown_api_path_is_a_problem_404(client, db, make_user):
    _, secret = make_token(db, make_user("manager"))
    response = client.get("/api/v1/nothing-here", headers=bearer(secret))
    assert response.status_code == 404 and response.mimetype == "application/problem+json"


def test_back_office_page_makes_a_token_and_shows_the_secret_once(client, login_as, db):
    user = login_as("manager")
    page = client.get("/account/api-tokens/")
    assert page.status_code == 200 and b"customers:write" in page.data
    assert b"invoices:write" in page.data  # managers draft and issue invoices (invoices issue)
    response = client.post(
        "/account/api-tokens/",
        data={"name": "Provisioning", "scopes": ["customers:read"], "expires": "30"},
    )
    assert response.status_code == 200
    token = db.session.query(ApiToken).filter_by(user_id=user.id).one()
    assert f"cm_{token.prefix}_".encode() in response.data
    assert (
        f"cm_{token.prefix}_".encode() + b"\xe2\x80\xa6" in client.get("/account/api-tokens/").data
    )


def test_making_a_token_without_scopes_shows_the_error_next_to_the_field(client, login_as):
    login_as("agent")
    response = client.post("/account/api-tokens/", data={"name": "x", "expires": "30"})
    assert response.status_code == 422 and b"Choose at least one scope" in response.data


def test_revoking_someone_elses_token_is_a_404(client, login_as, db, make_user):
    _, _ = make_token(db, make_user("manager"))
    token = db.session.query(ApiToken).one()
    login_as("admin")
    assert client.post(f"/account/api-tokens/{token.id}/revoke").status_code == 404


def test_rate_limit_per_token(app, client, db, make_user):
    _, secret = make_token(db, make_user("manager"))
    codes = [client.get("/api/v1/me", headers=bearer(secret)).status_code for _ in range(301)]
    assert codes[:300] == [200] * 300 and codes[300] == 429
