"""Sessions end for real: sign-out, password change, 2FA change, disabling, idle timeout."""

from http.cookies import SimpleCookie

from cloudmanager.auth.models import User
from tests.auth.helpers import enrol_2fa, sign_in_fully
from tests.fixtures.users import PASSWORD


def saved_cookie(client) -> str:
    """The session cookie value the browser holds now."""
    cookie = client.get_cookie("session")
    return cookie.value


def client_with_cookie(app, value):
    """A fresh client that presents a copied session cookie."""
    other = app.test_client()
    other.set_cookie("session", value)
    return other


def signed_in(client, app, make_user, db, role="agent"):
    user = make_user(role)
    enrol_2fa(user, db)
    sign_in_fully(client, user, db)
    assert client.get("/").status_code == 200
    return user


def test_a_cookie_saved_before_sign_out_no_longer_opens_any_page(client, app, make_user, db):
    signed_in(client, app, make_user, db)
    copy = saved_cookie(client)
    client.post("/logout")
    thief = client_with_cookie(app, copy)
    assert thief.get("/").status_code == 302
    assert thief.get("/account").status_code == 302


def test_a_cookie_saved_before_a_password_change_stops_working(client, app, make_user, db):
    signed_in(client, app, make_user, db)
    copy = saved_cookie(client)
    response = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "password": "a-brand-new-passphrase-42",
            "confirm": "a-brand-new-passphrase-42",
        },
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # this session continues
    assert client_with_cookie(app, copy).get("/").status_code == 302


def test_disabling_a_user_ends_their_sessions(client, app, make_user, db):
    user = signed_in(client, app, make_user, db)
    admin = make_user("admin")
    from cloudmanager.auth.services import set_user_active

    set_user_active(db.session.get(User, user.id), False, by=admin)
    db.session.commit()
    assert client.get("/").status_code == 302


def test_turning_off_2fa_needs_the_password_and_ends_other_sessions(client, app, make_user, db):
    user = signed_in(client, app, make_user, db)
    copy = saved_cookie(client)
    refused = client.post("/account/2fa/disable", data={"disable-password": "not-my-password"})
    assert refused.status_code == 422
    done = client.post("/account/2fa/disable", data={"disable-password": PASSWORD})
    assert done.status_code == 302
    assert not db.session.get(User, user.id).totp_enabled
    assert client_with_cookie(app, copy).get("/").status_code == 302


def test_idle_sessions_expire(client, app, make_user, db):
    signed_in(client, app, make_user, db)
    with client.session_transaction() as session:
        session["last_seen"] -= 61 * 60
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.location
    assert client.get("/").status_code == 302


def test_session_cookie_is_httponly_and_samesite(client, app, make_user, db):
    signed_in(client, app, make_user, db)
    response = client.get("/")
    header = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("session=")]
    cookie = SimpleCookie(header[0]) if header else None
    if cookie:
        assert cookie["session"]["httponly"]
        assert cookie["session"]["samesite"] == "Lax"


def test_the_session_cookie_is_not_rewritten_on_every_request(client, app, make_user, db):
    signed_in(client, app, make_user, db)
    client.get("/")
    response = client.get("/")
    assert not [h for h in response.headers.getlist("Set-Cookie") if h.startswith("session=")]
