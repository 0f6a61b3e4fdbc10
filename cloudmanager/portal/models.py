"""Customer users of the portal: one per contact, with the same sign-in security as staff."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cloudmanager.core.timeutil import utcnow
from cloudmanager.extensions import db


class PortalUser(UserMixin, db.Model):
    """A contact who signs in to the portal; sees only its own customer's rows.

    The sign-in columns mirror `auth.models.User`, so sign-in, TOTP, recovery
    codes, lockout and session revocation run through the same functions.
    """

    __tablename__ = "portal_users"
    __audit_type__ = "portal_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), unique=True
    )
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled: Mapped[bool] = mapped_column(default=False)
    totp_last_step: Mapped[int] = mapped_column(default=0)
    session_stamp: Mapped[str] = mapped_column(String(32))
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    last_login_ip: Mapped[str | None] = mapped_column(String(45))
    password_changed_at: Mapped[datetime | None]
    invited_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    contact = relationship("Contact")
    recovery_codes: Mapped[list["PortalRecoveryCode"]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    is_staff = False
    is_portal = True

    @property
    def is_active(self) -> bool:
        """Flask-Login refuses disabled users."""
        return self.active

    def get_id(self) -> str:
        """`portal:<id>:<stamp>`: a new stamp ends every session of this user."""
        return f"portal:{self.id}:{self.session_stamp}"

    @property
    def has_password(self) -> bool:
        """False until the invitation is accepted."""
        return bool(self.password_hash)

    @property
    def customer_id(self) -> int:
        """The customer every portal query is scoped to."""
        return self.contact.customer_id

    def __repr__(self) -> str:
        return f"<PortalUser {self.email}>"


class PortalRecoveryCode(db.Model):
    """A single-use 2FA recovery code of a portal user, stored only as a hash."""

    __tablename__ = "portal_recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("portal_users.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(255))
    used_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[PortalUser] = relationship(back_populates="recovery_codes")
