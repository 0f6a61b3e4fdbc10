"""Portal sign-in: the staff code paths (lockout, TOTP replay guard, recovery codes, throttling)."""

from flask import flash, request, session, url_for

from cloudmanager.auth import login as login_service
from cloudmanager.auth.flows import choose_password_page, forgot_password_page
from cloudmanager.auth.forms import CodeForm, LoginForm
from cloudmanager.auth.tokens import user_from_invite_token, user_from_reset_token
from cloudmanager.core.forms import form_status
from cloudmanager.core.htmx import redirect_to, render_page
from cloudmanager.extensions import db, limiter
from cloudmanager.portal import bp, current_portal_user
from cloudmanager.portal.models import PortalUser
from cloudmanager.portal.services import KIND, find_portal_user_by_email, send_reset_link


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/portal") and "\\" not in target and "//" not in target:
        return target
    return url_for("portal.index")


def _pending():
    return login_service.pending_user(PortalUser, "portal")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("30 per minute", methods=["POST"])
@limiter.limit("10 per minute", methods=["POST"], key_func=login_service.login_email_key)
def login():
    """Step one: email and password."""
    if current_portal_user() is not None:
        return redirect_to(_safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = login_service.authenticate(
                form.email.data, form.password.data, find=find_portal_user_by_email
            )
        except login_service.LoginRefused as refused:
            db.session.commit()  # keep the failure count and the audit entry
            form.form_errors = [refused.message]
            return render_page("portal/login.html", form=form, status=401)
        next_url = _safe_next(request.args.get("next"))
        login_service.start_pending_login(user)
        session["next"] = next_url
        db.session.commit()
        if user.totp_enabled:
            return redirect_to(url_for("portal.login_code"))
        login_service.complete_login(user, method="password")
        db.session.commit()
        return redirect_to(next_url)
    return render_page("portal/login.html", form=form, status=form_status(form))


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def login_code():
    """Step two for users with 2FA: a TOTP code or a recovery code, each accepted once."""
    user = _pending()
    if user is None or not user.totp_enabled:
        flash("Please sign in again.", "warning")
        return redirect_to(url_for("portal.login"))
    form = CodeForm()
    if form.validate_on_submit():
        next_url = _safe_next(session.get("next"))
        signed_in = login_service.complete_with_code(user, form.code.data)
        db.session.commit()
        if signed_in:
            return redirect_to(next_url)
        form.code.errors = [login_service.CODE_REFUSED]
    return render_page("portal/login_code.html", form=form, status=form_status(form))


@bp.post("/logout")
def logout():
    """Sign out everywhere."""
    login_service.sign_out(current_portal_user())
    db.session.commit()
    flash("You are signed out.", "info")
    return redirect_to(url_for("portal.login"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit("5 per minute", methods=["POST"])
def forgot_password():
    """Ask for a reset link; the answer never says whether the email exists."""
    return forgot_password_page(
        find_portal_user_by_email,
        send_reset_link,
        sent="If that address has portal access, a reset link is on its way.",
        login="portal.login",
        template="portal/forgot_password.html",
    )


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password from an emailed link (2FA still applies at sign-in)."""
    user = user_from_reset_token(token, model=PortalUser, kind=KIND)
    if user is None:
        return render_page("portal/link_invalid.html", status=400)
    return choose_password_page(
        user,
        action="portal.password_reset",
        login="portal.login",
        template="portal/choose_password.html",
        title="Choose a new password",
    )


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept_invite(token: str):
    """An invited contact chooses a password."""
    user = user_from_invite_token(token, model=PortalUser, kind=KIND)
    if user is None:
        return render_page("portal/link_invalid.html", status=400)
    return choose_password_page(
        user,
        action="portal.invitation_accepted",
        login="portal.login",
        template="portal/choose_password.html",
        title="Welcome",
    )
