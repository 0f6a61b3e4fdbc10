"""Create, authenticate and revoke personal API tokens.

A token reads `cm_<prefix>_<secret>`: the prefix is stored in clear to tell
tokens apart and find the row; only a SHA-256 of the whole token is kept.
"""

import hashlib
import hmac
import secrets
from datetime import datetime

from sqlalchemy import select

from cloudmanager.api.models import ApiToken
from cloudmanager.api.scopes import SCOPE_PERMISSIONS, scope_allowed_for_role
from cloudmanager.auth.models import User
from cloudmanager.core.audit import audit
from cloudmanager.core.errors import ValidationFailed
from cloudmanager.core.timeutil import utcnow
from cloudmanager.extensions import db

TOKEN_PREFIX = "cm_"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    user: User, *, name: str, scopes: list[str], expires_at: datetime | None
) -> tuple[ApiToken, str]:
    """Make a token for `user`; returns the row and the secret (shown only once)."""
    errors: dict[str, str] = {}
    if not (name or "").strip():
        errors["name"] = "Give the token a name, e.g. the integration that uses it."
    unknown = [scope for scope in scopes if scope not in SCOPE_PERMISSIONS]
    beyond = [scope for scope in scopes if not scope_allowed_for_role(scope, user.role)]
    if not scopes:
        errors["scopes"] = "Choose at least one scope."
    elif unknown:
        errors["scopes"] = "Unknown scope: " + ", ".join(unknown)
    elif beyond:
        errors["scopes"] = "Your role does not allow: " + ", ".join(beyond)
    if expires_at is not None and expires_at <= utcnow():
        errors["expires_at"] = "The expiry must be in the future."
    if errors:
        raise ValidationFailed(errors)
    prefix = secrets.token_hex(4)
    secret = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken(
        user=user,
        name=name.strip(),
        prefix=prefix,
        secret_hash=_digest(secret),
        scopes=sorted(set(scopes)),
        expires_at=expires_at,
    )
    db.session.add(token)
    audit("api_token.created", token, after={"name": token.name, "scopes": token.scopes})
    return token, secret


def find_token(raw: str) -> ApiToken | None:
    """The usable token matching `raw`, or None (constant-time comparison)."""
    if not raw.startswith(TOKEN_PREFIX) or raw.count("_") < 2:
        return None
    prefix = raw[len(TOKEN_PREFIX) :].split("_", 1)[0]
    token = db.session.scalar(select(ApiToken).where(ApiToken.prefix == prefix))
    if token is None or not hmac.compare_digest(token.secret_hash, _digest(raw)):
        return None
    return token if token.is_usable else None


def effective_scopes(token: ApiToken) -> set[str]:
    """The token's scopes that its owner's current role still allows."""
    return {scope for scope in token.scopes if scope_allowed_for_role(scope, token.user.role)}


def revoke_token(token: ApiToken, *, by: User) -> None:
    """Stop a token from working, for good."""
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit("api_token.revoked", token, actor=by, summary=token.name)
