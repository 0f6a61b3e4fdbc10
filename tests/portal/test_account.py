"""The portal account page: change the password, turn two-factor sign-in off."""

import pyotp
from sqlalchemy import select

from cloudmanager.auth.models import AuditEntry
from cloudmanager.portal.models import PortalUser
from tests.fixtures.users import PASSWORD

NEW_PASSWORD = "violet-harbour-lantern-88"


def post_login(client, email, password=PASSWORD):
    return client.post("/portal/login", data={"email": email, "password": password})


def signed_in_elsewhere(app, user):
    """Another browser with a session of `user`."""
    other = app.test_client()
    with other.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return other


def change_password(client, current=PASSWORD, new=NEW_PASSWORD, confirm=None):
    data = {"current_password": current, "password": new, "confirm": confirm or new}
    return client.post("/portal/account/password", data=data)


def audited(db, action, user):
    return db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == action, AuditEntry.object_id == str(user.id))
    ).all()


def test_a_portal_user_changes_the_password_and_other_sessions_end(
    app, client, make_portal_user, portal_login, db
):
    user = portal_login(make_portal_user())
    other = signed_in_elsewhere(app, user)
    response = change_password(client)
    assert response.status_code == 302 and response.location.endswith("/portal/account")
    assert client.get("/portal/account").status_code == 200  # this session goes on
    assert "/portal/login" in other.get("/portal/").location  # the other one ended
    assert audited(db, "user.password_changed", user)
    client.post("/portal/logout")
    assert post_login(client, user.email).status_code == 401
    assert post_login(client, user.email, NEW_PASSWORD).status_code == 302


def test_a_wrong_current_password_is_refused_next_to_the_field(
    client, make_portal_user, portal_login, db
):
    user = portal_login(make_portal_user())
    response = change_password(client, current="not-my-password-1")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="current_password-error">This is not your current password.' in html
    response = change_password(client, confirm="something-else-2026")
    assert response.status_code == 422 and "The passwords differ." in response.get_data(
        as_text=True
    )
    client.post("/portal/logout")
    assert post_login(client, user.email).status_code == 302  # unchanged


def _enable_totp(user, db):
    from cloudmanager.auth import totp

    secret = totp.new_secret()
    totp.confirm_enrolment(user, secret, pyotp.TOTP(secret).now())
    db.session.commit()


def test_a_portal_user_turns_2fa_off_with_the_password(
    app, client, make_portal_user, portal_login, db
):
    user = make_portal_user()
    _enable_totp(user, db)
    portal_login(user)
    other = signed_in_elsewhere(app, user)
    assert "Turn off" in client.get("/portal/account").get_data(as_text=True)
    response = client.post("/portal/account/2fa/disable", data={"password": PASSWORD})
    assert response.status_code == 302 and response.location.endswith("/portal/account")
    user = db.session.get(PortalUser, user.id)
    assert not user.totp_enabled and user.totp_secret is None and not user.recovery_codes
    assert audited(db, "user.2fa_disabled", user)
    assert client.get("/portal/account").status_code == 200
    assert "/portal/login" in other.get("/portal/").location
    client.post("/portal/logout")
    response = post_login(client, user.email)  # no code asked any more
    assert response.status_code == 302 and response.location.endswith("/portal/")


def test_turning_2fa_off_needs_the_right_password(client, make_portal_user, portal_login, db):
    user = make_portal_user()
    _enable_totp(user, db)
    portal_login(user)
    response = client.post("/portal/account/2fa/disable", data={"password": "guess-2026-abc"})
    assert response.status_code == 422
    assert "This is not your password." in response.get_data(as_text=True)
    assert db.session.get(PortalUser, user.id).totp_enabled
