"""Sign-in, second step, TOTP enrolment, sign-out, password reset, invitations."""

from flask import Response, flash, request, session, url_for
from flask_login import current_user

from cloudmanager.auth import bp, login as login_service, totp
from cloudmanager.auth.flows import choose_password_page, forgot_password_page
from cloudmanager.auth.forms import CodeForm, EnrolForm, LoginForm
from cloudmanager.auth.models import User
from cloudmanager.auth.services import find_user_by_email
from cloudmanager.auth.tokens import reset_link, user_from_invite_token, user_from_reset_token
from cloudmanager.core.errors import DomainError
from cloudmanager.core.forms import apply_errors, form_status
from cloudmanager.core.htmx import redirect_to, render_page
from cloudmanager.extensions import db, limiter
from cloudmanager.infra.queue import enqueue

ENROL_SECRET_KEY = "enrol_secret"


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths are followed after sign-in."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("dashboard.index")


@bp.before_app_request
def expire_idle_sessions():
    """Sign out staff whose session was idle longer than the setting allows."""
    if current_user.is_authenticated and getattr(current_user, "is_staff", False):
        if login_service.session_idle_expired():
            login_service.sign_out(None)
            db.session.commit()
            flash("You were signed out after a period of inactivity.", "info")
            return redirect_to(url_for("auth.login", next=request.full_path.rstrip("?")))
    return None


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("30 per minute", methods=["POST"])
@limiter.limit("10 per minute", methods=["POST"], key_func=login_service.login_email_key)
def login():
    """Step one: email and password."""
    if current_user.is_authenticated and getattr(current_user, "is_staff", False):
        return redirect_to(_safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = login_service.authenticate(form.email.data, form.password.data)
        except login_service.LoginRefused as refused:
            db.session.commit()  # keep the failure count and the audit entry
            form.form_errors = [refused.message]
            return render_page("auth/login.html", form=form, status=401)
        next_url = _safe_next(request.args.get("next"))
        login_service.start_pending_login(user)
        session["next"] = next_url
        db.session.commit()
        if user.totp_enabled:
            return redirect_to(url_for("auth.login_code"))
        if login_service.requires_2fa(user):
            return redirect_to(url_for("auth.enrol"))
        login_service.complete_login(user, method="password")
        db.session.commit()
        return redirect_to(next_url)
    return render_page("auth/login.html", form=form, status=form_status(form))


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def login_code():
    """Step two: a TOTP code or a single-use recovery code."""
    user = login_service.pending_user()
    if user is None or not user.totp_enabled:
        flash("Please sign in again.", "warning")
        return redirect_to(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        next_url = session.get("next") or url_for("dashboard.index")
        signed_in = login_service.complete_with_code(user, form.code.data)
        db.session.commit()
        if signed_in:
            return redirect_to(_safe_next(next_url))
        form.code.errors = [login_service.CODE_REFUSED]
    return render_page("auth/login_code.html", form=form, status=form_status(form))


def _enrolling_user() -> User | None:
    if current_user.is_authenticated and getattr(current_user, "is_staff", False):
        return None if current_user.totp_enabled else current_user
    user = login_service.pending_user()
    return user if user is not None and not user.totp_enabled else None


@bp.route("/login/enrol", methods=["GET", "POST"])
def enrol():
    """Set up TOTP: QR code and key, confirmed by a code; shows recovery codes once."""
    user = _enrolling_user()
    if user is None:
        return redirect_to(url_for("auth.login"))
    secret = session.get(ENROL_SECRET_KEY) or totp.new_secret()
    session[ENROL_SECRET_KEY] = secret
    form = EnrolForm()
    if form.validate_on_submit():
        try:
            codes = totp.confirm_enrolment(user, secret, form.code.data)
        except DomainError as error:
            apply_errors(form, error)
        else:
            next_url = session.get("next") or url_for("dashboard.index")
            login_service.complete_login(user, method="2FA enrolment")
            db.session.commit()
            return render_page(
                "auth/recovery_codes.html", codes=codes, next_url=_safe_next(next_url)
            )
    return render_page(
        "auth/enrol.html",
        form=form,
        secret=secret,
        uri=totp.provisioning_uri(user, secret),
        status=form_status(form),
    )


@bp.get("/login/enrol/qr.svg")
def enrol_qr():
    """The QR code of the secret being enrolled, made by our own server."""
    user = _enrolling_user()
    secret = session.get(ENROL_SECRET_KEY)
    if user is None or not secret:
        return Response(status=404)
    svg = totp.qr_svg(totp.provisioning_uri(user, secret))
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/login/recovery-codes")
def recovery_codes():
    """Recovery codes are shown once, right after they are made."""
    return redirect_to(url_for("auth.account"))


@bp.post("/logout")
def logout():
    """Sign out, ending every session of this user."""
    user = current_user._get_current_object() if current_user.is_authenticated else None
    login_service.sign_out(user)
    db.session.commit()
    flash("You are signed out.", "info")
    return redirect_to(url_for("auth.login"))


def _send_reset_link(user: User) -> None:
    enqueue(
        "cloudmanager.infra.mail.send_email_job",
        user.email,
        "Reset your CloudManager password",
        "password_reset",
        name=user.name,
        link=reset_link(user),
        minutes_valid=60,
    )


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit("5 per minute", methods=["POST"])
def forgot_password():
    """Ask for a reset link; the answer is the same whether the email exists or not."""
    return forgot_password_page(
        find_user_by_email,
        _send_reset_link,
        sent="If that address belongs to an account, a reset link is on its way.",
        login="auth.login",
        template="auth/forgot_password.html",
    )


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password from an emailed link (2FA still applies at sign-in)."""
    user = user_from_reset_token(token)
    if user is None:
        return render_page("auth/link_invalid.html", status=400)
    return choose_password_page(
        user, action="user.password_reset", login="auth.login", template="auth/reset_password.html"
    )


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept_invite(token: str):
    """An invited member of staff chooses their password."""
    user = user_from_invite_token(token)
    if user is None:
        return render_page("auth/link_invalid.html", status=400)
    return choose_password_page(
        user,
        action="user.invitation_accepted",
        login="auth.login",
        template="auth/accept_invite.html",
    )


from cloudmanager.auth import account, admin  # noqa: E402,F401
