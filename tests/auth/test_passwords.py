"""Password policy, reset by email, change with the current password."""

import re

from cloudmanager.auth.models import User
from cloudmanager.auth.passwords import password_problem
from tests.auth.helpers import enrol_2fa, post_login
from tests.fixtures.users import PASSWORD


def test_short_and_common_passwords_are_refused():
    assert "12 characters" in password_problem("Short1!")
    assert password_problem("password1234") is not None
    assert password_problem("qwertyuiop123") is not None
    assert password_problem("violet-harbour-kettle-58") is None


def test_password_containing_the_email_is_refused():
    assert password_problem("julia.meyer2026", email="julia.meyer@example.com") is not None


def test_reset_link_is_single_use_and_does_not_skip_2fa(client, app, make_user, db, caplog):
    user = make_user("agent")
    enrol_2fa(user, db)
    caplog.set_level("INFO")
    response = client.post("/password/forgot", data={"email": user.email})
    assert response.status_code == 302
    path = re.search(r"/password/reset/[\w.\-]+", caplog.text).group(0)
    new = "a-fresh-and-rare-passphrase-7"
    assert client.post(path, data={"password": new, "confirm": new}).status_code == 302
    assert client.get(path).status_code == 400  # used once
    response = post_login(client, user.email, new)
    assert response.location.endswith("/login/code")  # still asks for the second factor


def test_forgot_password_answers_the_same_for_unknown_emails(client, make_user):
    user = make_user("agent")
    known = client.post("/password/forgot", data={"email": user.email})
    unknown = client.post("/password/forgot", data={"email": "ghost@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known.location == unknown.location


def test_change_password_requires_the_current_password(client, login_as, db):
    user = login_as("agent")
    response = client.post(
        "/account/password",
        data={
            "current_password": "wrong",
            "password": "x-new-passphrase-41",
            "confirm": "x-new-passphrase-41",
        },
    )
    assert response.status_code == 422
    assert b"not your current password" in response.data
    assert db.session.get(User, user.id).password_hash
    ok = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "password": "x-new-passphrase-41",
            "confirm": "x-new-passphrase-41",
        },
    )
    assert ok.status_code == 302


def test_regenerating_recovery_codes_needs_the_password_and_replaces_them(client, login_as, db):
    user = login_as("agent")
    old_codes = enrol_2fa(db.session.get(User, user.id), db)
    with client.session_transaction() as session:
        session["_user_id"] = db.session.get(User, user.id).get_id()
    assert (
        client.post("/account/recovery-codes", data={"codes-password": "nope"}).status_code == 422
    )
    response = client.post("/account/recovery-codes", data={"codes-password": PASSWORD})
    assert response.status_code == 200
    new_codes = re.findall(r"<li>([0-9a-f]{5}-[0-9a-f]{5})</li>", response.get_data(as_text=True))
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)


def test_create_admin_command_makes_an_admin_who_must_enrol(runner, client, db):
    result = runner.invoke(
        args=[
            "create-admin",
            "--email",
            "boss@example.com",
            "--name",
            "Boss",
            "--password",
            PASSWORD,
        ]
    )
    assert result.exit_code == 0, result.output
    response = post_login(client, "boss@example.com")
    assert response.location.endswith("/login/enrol")
