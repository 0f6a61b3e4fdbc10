"""Signing in: password check with lockout, the pending second step, sessions.

An unknown email, a wrong password, a disabled user and a locked account all
get the same answer and spend the same time, so the sign-in form tells an
attacker nothing about which accounts exist. Staff and the portal's customer
users go through these same functions: `find` and `model` say which kind.
"""

from datetime import timedelta
from typing import Any, Callable

from flask import flash, request, session
from flask_login import login_user, logout_user
from sqlalchemy import update

from cloudmanager.auth import totp
from cloudmanager.auth.models import User
from cloudmanager.auth.passwords import verify_password
from cloudmanager.auth.services import end_all_sessions, find_user_by_email
from cloudmanager.core.audit import audit, client_address
from cloudmanager.core.errors import DomainError
from cloudmanager.core.timeutil import utcnow
from cloudmanager.extensions import db
from cloudmanager.settings.services import get_setting

GENERIC_FAILURE = "The email or password is not right, or the account is locked for a while."
PENDING_KEY = "pending_login"
PENDING_SECONDS = 300
LAST_SEEN_RESOLUTION = 60  # seconds


class LoginRefused(DomainError):
    """Sign-in refused; the message never says why."""

    status_code = 401

    def __init__(self):
        super().__init__(GENERIC_FAILURE)


def login_email_key() -> str:
    """Rate-limit key: the email being tried, so one account is throttled from any IP."""
    return "login:" + (request.form.get("email") or "").strip().lower()


def authenticate(
    email: str, password: str, *, find: Callable[[str], Any] = find_user_by_email
) -> User:
    """The account whose email and password match, or LoginRefused."""
    user = find(email or "")
    now = utcnow()
    if user is None:
        verify_password(None, password)
        audit("auth.login_failed", object_type="user", summary=f"unknown email {email!r}")
        raise LoginRefused()
    if user.locked_until and user.locked_until > now:
        verify_password(None, password)
        audit("auth.login_failed", user, summary="account locked", actor=user)
        raise LoginRefused()
    if not verify_password(user.password_hash, password) or not user.active:
        register_failure(user)
        raise LoginRefused()
    return user


def register_failure(user: User) -> None:
    """Count a failed attempt atomically; lock the account at the threshold."""
    model = type(user._get_current_object() if hasattr(user, "_get_current_object") else user)
    db.session.execute(
        update(model)
        .where(model.id == user.id)
        .values(failed_logins=model.failed_logins + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(user, ["failed_logins"])
    audit("auth.login_failed", user, summary="wrong password or disabled", actor=user)
    if user.failed_logins >= int(get_setting("security.lockout_threshold")):
        minutes = int(get_setting("security.lockout_minutes"))
        user.locked_until = utcnow() + timedelta(minutes=minutes)
        user.failed_logins = 0
        audit("auth.locked", user, summary=f"locked for {minutes} minutes", actor=user)


def requires_2fa(user: User) -> bool:
    """Whether the 2FA policy makes this user enrol before anything else."""
    if not get_setting("security.require_2fa"):
        return False
    return user.role == "admin" or bool(get_setting("security.require_2fa_non_admins"))


def start_pending_login(user: User) -> None:
    """Remember that the password step passed; the code step must follow soon."""
    session.clear()
    session[PENDING_KEY] = {
        "kind": session_kind(user),
        "uid": user.id,
        "stamp": user.session_stamp,
        "exp": utcnow().timestamp() + PENDING_SECONDS,
    }


def session_kind(user: Any) -> str:
    """ "staff" or the kind in the account's session id ("portal")."""
    return user.get_id().split(":", 1)[0]


def pending_user(model: Any = User, kind: str = "staff") -> Any:
    """The account between the password and code steps, if the step is still valid."""
    pending = session.get(PENDING_KEY)
    if not pending or pending.get("exp", 0) < utcnow().timestamp():
        return None
    if pending.get("kind") != kind:
        return None
    user = db.session.get(model, pending.get("uid"))
    if user is None or not user.active or user.session_stamp != pending.get("stamp"):
        return None
    return user


def complete_login(user: User, *, method: str) -> None:
    """Start a fresh session for `user` and record the sign-in."""
    session.clear()
    login_user(user)
    session["last_seen"] = utcnow().timestamp()
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = utcnow()
    user.last_login_ip = client_address()
    audit("auth.login", user, summary=f"signed in ({method})", actor=user)


def sign_out(user: User | None) -> None:
    """End the session, and every other session of the user (stamp rotation)."""
    if user is not None and hasattr(user, "session_stamp"):
        end_all_sessions(user)
        audit("auth.logout", user, actor=user)
    logout_user()
    session.clear()


def session_idle_expired() -> bool:
    """True when the signed-in session was idle longer than the setting allows."""
    last_seen = session.get("last_seen")
    limit = int(get_setting("security.session_idle_minutes")) * 60
    now = utcnow().timestamp()
    expired = last_seen is not None and now - last_seen > limit
    # Rewriting the cookie on every request lets a slow response (a fragment still
    # loading from the previous page) overwrite a newer session; once a minute is enough.
    if last_seen is None or now - last_seen >= LAST_SEEN_RESOLUTION:
        session["last_seen"] = now
    return expired


CODE_REFUSED = "That code is not valid (or was already used)."


def complete_with_code(user: Any, code: str) -> bool:
    """Step two of a sign-in: a TOTP code (never twice) or a single-use recovery code.

    A valid code completes the sign-in (with a warning of how many recovery codes
    are left when one was used); a wrong one counts as a failure towards the lockout.
    The caller commits either way.
    """
    code = code.strip()
    method = None
    if totp.verify_totp(user, code):
        method = "totp"
    elif totp.use_recovery_code(user, code):
        method = "recovery code"
    if method is None:
        register_failure(user)
        return False
    complete_login(user, method=method)
    if method == "recovery code":
        left = totp.remaining_recovery_codes(user)
        flash(f"Signed in with a recovery code; {left} left.", "warning")
    return True
