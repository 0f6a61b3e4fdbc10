"""The portal user's own security: password, optional TOTP, recovery codes (shared code paths)."""

from flask import Response, flash, session, url_for
from flask_login import login_user

from cloudmanager.auth import totp
from cloudmanager.auth.forms import ChangePasswordForm, EnrolForm, PasswordConfirmForm
from cloudmanager.auth.passwords import verify_password
from cloudmanager.auth.services import change_password as change_password_service
from cloudmanager.core.errors import DomainError
from cloudmanager.core.forms import apply_errors
from cloudmanager.core.htmx import redirect_to, render_page
from cloudmanager.core.timeutil import utcnow
from cloudmanager.extensions import db
from cloudmanager.portal import bp, current_portal_user

ENROL_KEY = "portal_enrol_secret"


def _page(status: int = 200, **forms):
    user = current_portal_user()
    return render_page(
        "portal/account.html",
        status=status,
        password_form=forms.get("password_form") or ChangePasswordForm(formdata=None),
        confirm_form=forms.get("confirm_form") or PasswordConfirmForm(formdata=None),
        remaining_codes=totp.remaining_recovery_codes(user),
    )


def _keep_signed_in(user) -> None:
    """The stamp rotated (other sessions ended); keep this one."""
    login_user(user)
    session["last_seen"] = utcnow().timestamp()


@bp.get("/account")
def account():
    """Password and two-factor settings."""
    return _page()


@bp.post("/account/password")
def change_password():
    """Change the password (current one required); other sessions end."""
    user = current_portal_user()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            change_password_service(
                user, current=form.current_password.data, new=form.password.data
            )
        except DomainError as error:
            apply_errors(form, error)
        else:
            db.session.commit()
            _keep_signed_in(user)
            flash("Your password was changed.", "success")
            return redirect_to(url_for("portal.account"))
    return _page(status=422, password_form=form)


@bp.route("/account/2fa", methods=["GET", "POST"])
def enrol_2fa():
    """Turn on TOTP: scan the QR code, confirm a code, keep the recovery codes."""
    user = current_portal_user()
    if user.totp_enabled:
        return redirect_to(url_for("portal.account"))
    secret = session.get(ENROL_KEY) or totp.new_secret()
    session[ENROL_KEY] = secret
    form = EnrolForm()
    if form.validate_on_submit():
        try:
            codes = totp.confirm_enrolment(user, secret, form.code.data)
        except DomainError as error:
            apply_errors(form, error)
        else:
            db.session.commit()
            session.pop(ENROL_KEY, None)
            _keep_signed_in(user)
            return render_page("portal/recovery_codes.html", codes=codes)
    status = 422 if form.errors else 200
    return render_page("portal/enrol.html", form=form, secret=secret, status=status)


@bp.get("/account/2fa/qr.svg")
def enrol_qr():
    """The QR code of the secret being enrolled (made here, never by an outside service)."""
    user, secret = current_portal_user(), session.get(ENROL_KEY)
    if not secret or user.totp_enabled:
        return Response(status=404)
    response = Response(totp.qr_svg(totp.provisioning_uri(user, secret)), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "no-store"
    return response


def _confirmed(form: PasswordConfirmForm, user) -> bool:
    if form.validate_on_submit() and verify_password(user.password_hash, form.password.data):
        return True
    form.password.errors = ["This is not your password."]
    return False


@bp.post("/account/2fa/disable")
def disable_2fa():
    """Turn TOTP off (password required)."""
    user = current_portal_user()
    form = PasswordConfirmForm()
    if _confirmed(form, user):
        totp.disable_2fa(user, by=user)
        db.session.commit()
        _keep_signed_in(user)
        flash("Two-factor authentication is off.", "warning")
        return redirect_to(url_for("portal.account"))
    return _page(status=422, confirm_form=form)


@bp.post("/account/recovery-codes")
def regenerate_recovery_codes():
    """New recovery codes (password required), shown once."""
    user = current_portal_user()
    form = PasswordConfirmForm()
    if not user.totp_enabled:
        return redirect_to(url_for("portal.account"))
    if _confirmed(form, user):
        codes = totp.generate_recovery_codes(user)
        db.session.commit()
        return render_page("portal/recovery_codes.html", codes=codes)
    return _page(status=422, confirm_form=form)
