"""Signed, expiring, single-use links for password resets and invitations.

A token carries the user id and a fingerprint of the current password hash
(or, for invitations, the session stamp). Using the link changes that value,
so the same link cannot be used twice.
"""

import hashlib
from typing import Any

from flask import current_app, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from cloudmanager.auth.models import User
from cloudmanager.extensions import db

RESET_MAX_AGE = 60 * 60  # one hour
INVITE_MAX_AGE = 7 * 24 * 60 * 60  # one week


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"cloudmanager.{purpose}")


def _fingerprint(value: str | None) -> str:
    return hashlib.sha256((value or "").encode()).hexdigest()[:16]


def make_reset_token(user: Any, *, kind: str = "") -> str:
    """A password-reset token, valid for an hour and until the password changes.

    `kind` ("portal") gives another kind of account its own tokens: a staff
    token never opens a portal account and the other way round.
    """
    return _serializer(kind + "reset").dumps([user.id, _fingerprint(user.password_hash)])


def make_invite_token(user: Any, *, kind: str = "") -> str:
    """An invitation token, valid for a week and until the password is chosen."""
    return _serializer(kind + "invite").dumps([user.id, _fingerprint(user.session_stamp)])


def _load(purpose: str, token: str, max_age: int, model: Any = User, kind: str = "") -> Any:
    try:
        user_id, fingerprint = _serializer(kind + purpose).loads(token, max_age=max_age)
    except (BadSignature, SignatureExpired, ValueError, TypeError):
        return None
    user = db.session.get(model, user_id)
    if user is None or not user.active:
        return None
    expected = user.password_hash if purpose == "reset" else user.session_stamp
    if fingerprint != _fingerprint(expected):
        return None
    if purpose == "invite" and user.has_password:
        return None
    return user


def user_from_reset_token(token: str, *, model: Any = User, kind: str = "") -> Any:
    """The account a valid, unused reset token belongs to."""
    return _load("reset", token, RESET_MAX_AGE, model, kind)


def user_from_invite_token(token: str, *, model: Any = User, kind: str = "") -> Any:
    """The invited account of a valid, unused invitation token."""
    return _load("invite", token, INVITE_MAX_AGE, model, kind)


def invitation_link(user: User) -> str:
    """The absolute URL the invitee opens to choose a password."""
    return absolute_url("auth.accept_invite", token=make_invite_token(user))


def reset_link(user: User) -> str:
    """The absolute URL of a password reset."""
    return absolute_url("auth.reset_password", token=make_reset_token(user))


def absolute_url(endpoint: str, **values) -> str:
    """An absolute URL that also works from jobs and the CLI (no request)."""
    from flask import has_request_context

    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    base = current_app.config["SERVER_BASE_URL"].rstrip("/")
    with current_app.test_request_context(base_url=base):
        return url_for(endpoint, _external=True, **values)
