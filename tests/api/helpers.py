"""Make API tokens for tests."""

from datetime import datetime

from cloudmanager.api.tokens import create_token


def make_token(db, user, scopes=None, expires_at: datetime | None = None, name="test"):
    """A token for `user`; returns (token row, secret)."""
    from cloudmanager.api.scopes import scopes_for_role

    token, secret = create_token(
        user, name=name, scopes=scopes or scopes_for_role(user.role), expires_at=expires_at
    )
    db.session.commit()
    return token, secret


def bearer(secret: str) -> dict:
    """The Authorization header for `secret`."""
    return {"Authorization": f"Bearer {secret}"}
