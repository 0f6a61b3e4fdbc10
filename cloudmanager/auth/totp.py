"""TOTP two-factor authentication and single-use recovery codes.

A code is accepted once: the last accepted time step is stored per user and
moved forward with a conditional UPDATE, so two requests racing with the same
code cannot both win. Clock drift of one step either way is tolerated. The
functions work on any account model with the same columns and a
`recovery_codes` relationship: staff users and the portal's customer users.
"""

import hashlib
import hmac
import io
import secrets
import time
from typing import Any

import pyotp
import qrcode
import qrcode.image.svg
from flask import current_app
from sqlalchemy import CursorResult, select, update

from cloudmanager.auth.models import User
from cloudmanager.core.audit import audit
from cloudmanager.core.errors import ValidationFailed
from cloudmanager.core.timeutil import utcnow
from cloudmanager.extensions import db

ISSUER = "CloudManager"
RECOVERY_CODE_COUNT = 10
DRIFT_STEPS = 1


def new_secret() -> str:
    """A random base32 TOTP secret."""
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(data: str) -> bytes:
    """The QR code of `data` as an SVG image (made here, no outside service)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()


def matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The time step (within ±1 of now) whose code equals `code`, if any."""
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    current = int(time.time() if now is None else now) // totp.interval
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _account_model(user: Any) -> Any:
    """The model of `user`: staff `User` or another kind of account (the portal's)."""
    real = user._get_current_object() if hasattr(user, "_get_current_object") else user
    return type(real)


def _code_model(user: Any) -> Any:
    """The recovery-code model that belongs to `user`'s kind of account."""
    return _account_model(user).recovery_codes.property.mapper.class_


def verify_totp(user: User, code: str) -> bool:
    """Accept `code` once: atomically move the user's last accepted step forward."""
    if not user.totp_secret:
        return False
    step = matching_step(user.totp_secret, code)
    if step is None:
        return False
    model = _account_model(user)
    result: CursorResult = db.session.execute(  # type: ignore[assignment]
        update(model)
        .where(model.id == user.id, model.totp_last_step < step)
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    user.totp_last_step = step
    return True


def _hash_code(code: str) -> str:
    normalized = code.replace("-", "").replace(" ", "").lower()
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, normalized.encode(), hashlib.sha256).hexdigest()


def _new_code() -> str:
    raw = secrets.token_hex(5)  # 40 bits: plenty for a single-use, throttled code
    return f"{raw[:5]}-{raw[5:]}"


def generate_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with 10 new ones; returns them once."""
    for old in list(user.recovery_codes):
        db.session.delete(old)
    codes = [_new_code() for _ in range(RECOVERY_CODE_COUNT)]
    code_model = _code_model(user)
    for code in codes:
        db.session.add(code_model(user=user, code_hash=_hash_code(code)))
    audit("user.recovery_codes_generated", user, actor=user)
    return codes


def use_recovery_code(user: User, code: str) -> bool:
    """Accept an unused recovery code once (a conditional UPDATE marks it used)."""
    if not code or not code.strip():
        return False
    codes = _code_model(user)
    code_id = db.session.scalar(
        select(codes.id).where(
            codes.user_id == user.id,
            codes.code_hash == _hash_code(code.strip()),
            codes.used_at.is_(None),
        )
    )
    if code_id is None:
        return False
    result: CursorResult = db.session.execute(  # type: ignore[assignment]
        update(codes)
        .where(codes.id == code_id, codes.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    audit("auth.recovery_code_used", user, actor=user)
    return True


def remaining_recovery_codes(user: User) -> int:
    """How many unused recovery codes the user has left."""
    return sum(1 for code in user.recovery_codes if code.used_at is None)


def confirm_enrolment(user: User, secret: str, code: str) -> list[str]:
    """Turn on 2FA with `secret` once `code` proves the app has it; returns recovery codes."""
    step = matching_step(secret, code)
    if step is None:
        raise ValidationFailed(
            {"code": "That code is not right. Check your phone's clock and retry."}
        )
    from cloudmanager.auth.services import new_session_stamp

    user.totp_secret = secret
    user.totp_enabled = True
    user.totp_last_step = step
    user.session_stamp = new_session_stamp()
    audit("user.2fa_enabled", user, actor=user)
    return generate_recovery_codes(user)


def disable_2fa(user: User, *, by: User, reason: str = "user.2fa_disabled") -> None:
    """Turn 2FA off (the user re-enrols at next sign-in when policy requires it)."""
    from cloudmanager.auth.services import new_session_stamp

    user.totp_secret = None
    user.totp_enabled = False
    user.totp_last_step = 0
    for old in list(user.recovery_codes):
        db.session.delete(old)
    user.session_stamp = new_session_stamp()
    audit(reason, user, actor=by)
