"""Sign-in: password step, TOTP step, replay protection, recovery codes, lockout."""

import re
from datetime import timedelta

from sqlalchemy import select

from cloudmanager.auth.models import AuditEntry, User
from cloudmanager.core.timeutil import utcnow
from tests.auth.helpers import enrol_2fa, post_login, sign_in_fully, totp_code


def test_user_with_2fa_is_asked_for_a_code_after_the_password(client, make_user, db):
    user = make_user("agent")
    enrol_2fa(user, db)
    response = post_login(client, user.email)
    assert response.status_code == 302
    assert response.location.endswith("/login/code")
    assert client.get("/").status_code == 302  # not signed in yet


def test_valid_totp_code_signs_in(client, make_user, db):
    user = make_user("agent")
    enrol_2fa(user, db)
    response = sign_in_fully(client, user, db)
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_a_replayed_totp_code_is_refused(client, app, make_user, db):
    user = make_user("agent")
    enrol_2fa(user, db)
    code = totp_code(user)
    post_login(client, user.email)
    assert client.post("/login/code", data={"code": code}).status_code == 302
    other = app.test_client()
    post_login(other, user.email)
    response = other.post("/login/code", data={"code": code})
    assert response.status_code == 422
    assert b"not valid" in response.data
    assert other.get("/").status_code == 302


def test_a_code_from_the_previous_step_is_accepted_for_clock_drift(client, make_user, db):
    user = make_user("agent")
    enrol_2fa(user, db)
    post_login(client, user.email)
    assert client.post("/login/code", data={"code": totp_code(user, -1)}).status_code == 302


def test_a_code_two_steps_away_is_refused(client, make_user, db):
    user = make_user("agent")
    enrol_2fa(user, db)
    post_login(client, user.email)
    assert client.post("/login/code", data={"code": totp_code(user, -3)}).status_code == 422


def test_each_recovery_code_works_once(client, app, make_user, db):
    user = make_user("agent")
    codes = enrol_2fa(user, db)
    assert len(codes) == 10 and len(set(codes)) == 10
    post_login(client, user.email)
    assert client.post("/login/code", data={"code": codes[0]}).status_code == 302
    second = app.test_client()
    post_login(second, user.email)
    assert second.post("/login/code", data={"code": codes[0]}).status_code == 422
    assert second.post("/login/code", data={"code": codes[1]}).status_code == 302


def test_recovery_codes_are_stored_only_as_hashes(make_user, db):
    user = make_user("agent")
    codes = enrol_2fa(user, db)
    stored = [row.code_hash for row in db.session.get(User, user.id).recovery_codes]
    assert not set(codes) & set(stored)


def test_unknown_email_gets_the_same_answer_as_a_wrong_password(client, make_user):
    user = make_user("agent")
    unknown = post_login(client, "nobody@example.com", "whatever-password-1")
    wrong = post_login(client, user.email, "wrong-password-123")
    assert unknown.status_code == wrong.status_code == 401
    # The pages differ only by the email echoed back into the form (and the CSRF token, whose
    # signature carries the second it was made in).
    assert _comparable(unknown.data, b"nobody@example.com") == _comparable(
        wrong.data, user.email.encode()
    )


def _comparable(page: bytes, email: bytes) -> bytes:
    """The sign-in page with the echoed email and the time-stamped CSRF token blanked out."""
    page = page.replace(email, b"EMAIL")
    return re.sub(rb"X-CSRFToken&#34;: &#34;[^&]+&#34;", b"X-CSRFToken&#34;: TOKEN", page)


def test_repeated_failures_lock_the_account_until_the_cooldown_ends(client, make_user, db):
    user = make_user("agent")
    for _ in range(5):
        assert post_login(client, user.email, "wrong-password-123").status_code == 401
    locked = db.session.get(User, user.id)
    assert locked.locked_until is not None
    # Even the right password is refused while locked, with the same answer.
    refused = post_login(client, user.email)
    assert refused.status_code == 401
    # Once the cooldown has passed, the right password works again.
    locked.locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert post_login(client, user.email).status_code == 302


def test_failed_and_successful_sign_ins_are_audited(client, make_user, db):
    user = make_user("manager")
    post_login(client, user.email, "wrong-password-123")
    enrol_2fa(user, db)
    sign_in_fully(client, user, db)
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.actor_id == user.id))
    assert {"auth.login_failed", "auth.login"} <= set(actions)


def test_a_disabled_user_is_refused(client, make_user, db):
    user = make_user("agent", active=False)
    response = post_login(client, user.email)
    assert response.status_code == 401


def test_user_without_2fa_is_sent_to_enrolment_and_can_do_nothing_else(client, make_user):
    user = make_user("manager")
    response = post_login(client, user.email)
    assert response.location.endswith("/login/enrol")
    assert client.get("/").status_code == 302
    assert client.get("/account").status_code == 302


def test_enrolment_with_the_shown_key_signs_in_and_shows_ten_codes(client, make_user, db):
    import pyotp

    user = make_user("admin")
    post_login(client, user.email)
    page = client.get("/login/enrol")
    assert page.status_code == 200
    with client.session_transaction() as session:
        secret = session["enrol_secret"]
    assert secret.encode() in page.data
    qr = client.get("/login/enrol/qr.svg")
    assert qr.status_code == 200 and qr.mimetype == "image/svg+xml"
    wrong = client.post("/login/enrol", data={"code": "000000"})
    assert wrong.status_code == 422
    done = client.post("/login/enrol", data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    assert done.data.count(b"<li>") == 10
    assert client.get("/").status_code == 200
    assert db.session.get(User, user.id).totp_enabled


def test_policy_can_relax_2fa_for_non_admins(client, make_user, db):
    from cloudmanager.settings.services import update_settings

    update_settings({"security.require_2fa_non_admins": False})
    db.session.commit()
    agent = make_user("agent")
    assert post_login(client, agent.email).location.endswith("/")
    assert client.get("/").status_code == 200


def test_next_parameter_only_follows_local_paths(client, make_user, db):
    from cloudmanager.settings.services import update_settings

    update_settings({"security.require_2fa": False})
    db.session.commit()
    user = make_user("agent")
    response = client.post(
        "/login?next=https://evil.example.com/",
        data={"email": user.email, "password": "correct-horse-battery-2026"},
    )
    assert response.location == "/"


def test_sign_in_is_throttled_per_account(client, make_user):
    user = make_user("agent")
    statuses = [post_login(client, user.email, "wrong-password-123").status_code for _ in range(11)]
    assert statuses[:10] == [401] * 10
    assert statuses[10] == 429


def test_sign_in_is_throttled_per_client_address(client):
    statuses = [
        post_login(client, f"user{n}@example.com", "wrong-password-123").status_code
        for n in range(31)
    ]
    assert 429 not in statuses[:30]
    assert statuses[30] == 429
