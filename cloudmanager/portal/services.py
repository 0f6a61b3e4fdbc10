"""Portal accounts: invite a contact, revoke access, find by email, load sessions."""

from typing import Any

from sqlalchemy import func, select

from cloudmanager.auth.loader import register_loader
from cloudmanager.auth.services import new_session_stamp, normalize_email
from cloudmanager.auth.tokens import absolute_url, make_invite_token, make_reset_token
from cloudmanager.core.audit import audit
from cloudmanager.core.errors import DomainError
from cloudmanager.core.timeutil import utcnow
from cloudmanager.extensions import db
from cloudmanager.infra.queue import enqueue
from cloudmanager.portal.models import PortalUser

KIND = "portal-"  # token salt prefix: staff links never open portal accounts


def find_portal_user_by_email(email: str) -> PortalUser | None:
    """The portal user with this email (case-insensitive), if any."""
    return db.session.scalar(
        select(PortalUser).where(func.lower(PortalUser.email) == (email or "").strip().lower())
    )


def portal_user_for_contact(contact: Any) -> PortalUser | None:
    """The contact's portal account, if it has one."""
    return db.session.scalar(select(PortalUser).where(PortalUser.contact_id == contact.id))


def load_portal_user(user_id: int, stamp: str) -> PortalUser | None:
    """Session loader: an active portal user whose stamp matches."""
    user = db.session.get(PortalUser, user_id)
    if user is None or not user.active or user.session_stamp != stamp:
        return None
    return user


register_loader("portal", load_portal_user)


def invite_contact(contact: Any, *, by: Any) -> PortalUser:
    """Give a contact portal access and email a link to choose a password (again if pending)."""
    if not contact.email:
        raise DomainError("This contact has no email address.")
    email = normalize_email(contact.email)
    user = portal_user_for_contact(contact)
    other = find_portal_user_by_email(email)
    if other is not None and other is not user:
        raise DomainError("Another contact already uses this email on the portal.")
    if user is not None and user.has_password and user.active:
        raise DomainError(f"{contact.name} already has portal access.")
    if user is None:
        user = PortalUser(contact=contact, email=email, name=contact.name)
        db.session.add(user)
    user.active = True
    user.session_stamp = new_session_stamp()
    user.invited_at = utcnow()
    contact.portal_access = True
    audit("portal.invited", user, after={"email": email, "contact": contact.id}, actor=by)
    enqueue(
        "cloudmanager.infra.mail.send_email_job",
        email,
        "Your access to the customer portal",
        "portal_invite",
        name=contact.name,
        inviter=getattr(by, "name", "Our team"),
        link=absolute_url("portal.accept_invite", token=make_invite_token(user, kind=KIND)),
    )
    return user


def revoke_access(contact: Any, *, by: Any) -> None:
    """Disable the contact's portal account and end its sessions."""
    user = portal_user_for_contact(contact)
    contact.portal_access = False
    if user is None or not user.active:
        return
    user.active = False
    user.session_stamp = new_session_stamp()
    audit("portal.revoked", user, before={"active": True}, after={"active": False}, actor=by)


def send_reset_link(user: PortalUser) -> None:
    """Email a password-reset link (the caller answers the same either way)."""
    enqueue(
        "cloudmanager.infra.mail.send_email_job",
        user.email,
        "Reset your portal password",
        "password_reset",
        name=user.name,
        link=absolute_url("portal.reset_password", token=make_reset_token(user, kind=KIND)),
        minutes_valid=60,
    )
