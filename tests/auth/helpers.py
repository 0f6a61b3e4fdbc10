"""Helpers for driving the sign-in flow with the test client."""

import time

import pyotp

from tests.fixtures.users import PASSWORD


def post_login(client, email, password=PASSWORD, **extra):
    """Submit the password step."""
    return client.post("/login", data={"email": email, "password": password, **extra})


def totp_code(user, offset_steps=0):
    """The code the user's authenticator shows (optionally a step away)."""
    totp = pyotp.TOTP(user.totp_secret)
    return totp.at(time.time() + offset_steps * totp.interval)


def enrol_2fa(user, db):
    """Turn on 2FA for `user` directly through the service; returns recovery codes."""
    from cloudmanager.auth import totp

    secret = totp.new_secret()
    codes = totp.confirm_enrolment(user, secret, pyotp.TOTP(secret).now())
    user.totp_last_step = 0  # let the test use the current code again
    db.session.commit()
    return codes


def sign_in_fully(client, user, db):
    """Password + TOTP; returns the final response."""
    post_login(client, user.email)
    return client.post("/login/code", data={"code": totp_code(user)})
