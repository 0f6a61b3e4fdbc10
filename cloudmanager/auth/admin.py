"""User administration and the audit log (admins)."""

from datetime import datetime, time

from flask import abort, flash, request, url_for
from flask_login import current_user
from sqlalchemy import select

from cloudmanager.auth import bp, totp
from cloudmanager.auth.forms import AuditFilterForm, InviteForm, RoleForm
from cloudmanager.auth.models import AuditEntry, User
from cloudmanager.auth.services import change_role as change_role_service
from cloudmanager.auth.services import invite_user as invite_user_service
from cloudmanager.auth.services import set_user_active as set_user_active_service
from cloudmanager.core.errors import DomainError
from cloudmanager.core.forms import apply_errors, form_status
from cloudmanager.core.htmx import redirect_to, render_page
from cloudmanager.core.navigation import NavItem, register_nav
from cloudmanager.core.pagination import clamp_page_size, keyset_page
from cloudmanager.extensions import db

register_nav(NavItem("Staff users", "people", "auth.users", "users.manage", "admin", order=910))
register_nav(
    NavItem("Audit log", "journal-text", "auth.audit_log", "audit.view", "admin", order=920)
)


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.get("/admin/users")
def users():
    """Every staff user with role, 2FA and last sign-in."""
    rows = db.session.scalars(select(User).order_by(User.name, User.id).limit(500)).all()
    return render_page("auth/users.html", users=rows, invite_form=InviteForm(formdata=None))


@bp.route("/admin/users/invite", methods=["GET", "POST"])
def invite_user():
    """Invite a member of staff by email."""
    form = InviteForm()
    if form.validate_on_submit():
        try:
            user = invite_user_service(
                email=form.email.data, name=form.name.data, role=form.role.data, by=current_user
            )
        except DomainError as error:
            apply_errors(form, error)
        else:
            db.session.commit()
            flash(f"Invitation sent to {user.email}.", "success")
            return redirect_to(url_for("auth.user_detail", user_id=user.id))
    return render_page(
        "auth/invite.html", "auth/_invite_form.html", form=form, status=form_status(form)
    )


@bp.get("/admin/users/<int:user_id>")
def user_detail(user_id: int):
    """One user: role, status, 2FA, recent activity."""
    user = _user_or_404(user_id)
    activity = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.object_type == "users", AuditEntry.object_id == str(user.id))
        .order_by(AuditEntry.id.desc())
        .limit(20)
    ).all()
    return render_page(
        "auth/user_detail.html", user=user, role_form=RoleForm(obj=user), activity=activity
    )


def _apply(user: User, change, success: str):
    try:
        change()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
    else:
        db.session.commit()
        flash(success, "success")
    return redirect_to(url_for("auth.user_detail", user_id=user.id))


@bp.post("/admin/users/<int:user_id>/role")
def change_role(user_id: int):
    """Give a user another role."""
    user = _user_or_404(user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        flash("Choose a valid role.", "danger")
        return redirect_to(url_for("auth.user_detail", user_id=user.id))
    return _apply(
        user,
        lambda: change_role_service(user, form.role.data, by=current_user),
        f"{user.name} is now {form.role.data}.",
    )


@bp.post("/admin/users/<int:user_id>/active")
def set_user_active(user_id: int):
    """Disable (ending their sessions) or enable a user."""
    user = _user_or_404(user_id)
    active = request.form.get("active") == "1"
    return _apply(
        user,
        lambda: set_user_active_service(user, active, by=current_user),
        f"{user.name} is {'enabled' if active else 'disabled'}.",
    )


@bp.post("/admin/users/<int:user_id>/reset-2fa")
def reset_user_2fa(user_id: int):
    """Clear a user's 2FA; they enrol again at their next sign-in."""
    user = _user_or_404(user_id)
    return _apply(
        user,
        lambda: totp.disable_2fa(user, by=current_user, reason="user.2fa_reset"),
        f"Two-factor authentication of {user.name} was reset.",
    )


def _parse_day(value: str | None, end: bool = False) -> datetime | None:
    try:
        day = datetime.strptime(value or "", "%Y-%m-%d").date()
    except ValueError:
        return None
    return datetime.combine(day, time.max if end else time.min)


@bp.get("/admin/audit")
def audit_log():
    """The audit log, filtered and paged (newest first)."""
    form = AuditFilterForm(request.args)
    actors = db.session.execute(select(User.id, User.email).order_by(User.email)).all()
    form.actor.choices = [("", "Anyone")] + [(str(uid), email) for uid, email in actors]
    stmt = select(AuditEntry)
    if form.actor.data and form.actor.data.isdigit():
        stmt = stmt.where(AuditEntry.actor_id == int(form.actor.data))
    if form.object_type.data:
        stmt = stmt.where(AuditEntry.object_type == form.object_type.data.strip())
    if form.action.data:
        stmt = stmt.where(AuditEntry.action.startswith(form.action.data.strip()))
    date_from, date_to = _parse_day(form.date_from.data), _parse_day(form.date_to.data, end=True)
    if date_from:
        stmt = stmt.where(AuditEntry.created_at >= date_from)
    if date_to:
        stmt = stmt.where(AuditEntry.created_at <= date_to)
    page = keyset_page(
        stmt,
        [AuditEntry.id],
        cursor=request.args.get("cursor"),
        size=clamp_page_size(request.args.get("size"), 50),
        descending=True,
    )
    params = {k: v for k, v in request.args.items() if k != "cursor" and v}
    return render_page(
        "auth/audit_log.html", "auth/_audit_rows.html", form=form, page=page, params=params
    )
