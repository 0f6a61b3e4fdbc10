"""Staff accounts: create, invite, change role, disable, change password.

Every change here is audited. Changing a password, 2FA or disabling a user
rotates the user's session stamp, which ends all of that user's sessions.
"""

import secrets
from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select

from cloudmanager.auth.models import User
from cloudmanager.auth.passwords import hash_password, password_problem, verify_password
from cloudmanager.core.audit import audit
from cloudmanager.core.errors import DomainError, ValidationFailed
from cloudmanager.core.permissions import ROLES
from cloudmanager.core.timeutil import utcnow
from cloudmanager.extensions import db


def new_session_stamp() -> str:
    """A fresh random stamp; any session holding the old one stops working."""
    return secrets.token_hex(16)


def normalize_email(email: str) -> str:
    """Validate the syntax of `email` and return it trimmed and lower-cased."""
    try:
        result = validate_email((email or "").strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValidationFailed({"email": str(exc)}) from exc
    return result.normalized.lower()


def find_user_by_email(email: str) -> User | None:
    """The user with this email (case-insensitive), if any."""
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def create_user(
    *, email: str, name: str, role: str, password: str | None = None, by: Any = None
) -> User:
    """Create a staff user; without a password they must accept an invitation."""
    errors: dict[str, str] = {}
    try:
        email = normalize_email(email)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if not (name or "").strip():
        errors["name"] = "Enter a name."
    if role not in ROLES:
        errors["role"] = "Choose one of: " + ", ".join(ROLES) + "."
    if "email" not in errors and find_user_by_email(email):
        errors["email"] = "A user with this email already exists."
    if password is not None:
        problem = password_problem(password, email=email, name=name)
        if problem:
            errors["password"] = problem
    if errors:
        raise ValidationFailed(errors)
    user = User(
        email=email,
        name=name.strip(),
        role=role,
        password_hash=hash_password(password) if password else None,
        password_changed_at=utcnow() if password else None,
        session_stamp=new_session_stamp(),
    )
    db.session.add(user)
    audit("user.created", user, after={"email": email, "role": role}, actor=by)
    return user


def invite_user(*, email: str, name: str, role: str, by: Any) -> User:
    """Create a user without a password and email them a link to choose one."""
    from cloudmanager.auth.tokens import invitation_link
    from cloudmanager.infra.queue import enqueue

    user = create_user(email=email, name=name, role=role, by=by)
    user.invited_at = utcnow()
    audit("user.invited", user, after={"email": user.email, "role": role}, actor=by)
    enqueue(
        "cloudmanager.infra.mail.send_email_job",
        user.email,
        "You are invited to CloudManager",
        "invite",
        name=user.name,
        inviter=getattr(by, "name", "An administrator"),
        link=invitation_link(user),
    )
    return user


def change_role(user: User, role: str, *, by: Any) -> None:
    """Give `user` another role (an admin cannot demote themselves)."""
    if role not in ROLES:
        raise ValidationFailed({"role": "Unknown role."})
    if user.id == getattr(by, "id", None) and role != "admin":
        raise DomainError("You cannot remove your own admin role.", field="role")
    if role == user.role:
        return
    audit("user.role_changed", user, before={"role": user.role}, after={"role": role}, actor=by)
    user.role = role


def set_user_active(user: User, active: bool, *, by: Any) -> None:
    """Disable (ending their sessions) or re-enable a user."""
    if user.id == getattr(by, "id", None) and not active:
        raise DomainError("You cannot disable your own account.")
    if user.active == active:
        return
    audit(
        "user.enabled" if active else "user.disabled",
        user,
        before={"active": user.active},
        after={"active": active},
        actor=by,
    )
    user.active = active
    user.session_stamp = new_session_stamp()


def set_password(user: User, password: str, *, by: Any, action: str) -> None:
    """Store a new password (after the policy check) and end other sessions."""
    problem = password_problem(password, email=user.email, name=user.name)
    if problem:
        raise ValidationFailed({"password": problem})
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    user.failed_logins = 0
    user.locked_until = None
    user.session_stamp = new_session_stamp()
    audit(action, user, actor=by)


def change_password(user: User, *, current: str, new: str) -> None:
    """Change one's own password; the current one is required."""
    if not verify_password(user.password_hash, current):
        raise ValidationFailed({"current_password": "This is not your current password."})
    set_password(user, new, by=user, action="user.password_changed")


def end_all_sessions(user: User) -> None:
    """Sign `user` out everywhere (sign-out does this)."""
    user.session_stamp = new_session_stamp()
