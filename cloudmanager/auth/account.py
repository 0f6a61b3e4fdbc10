"""The signed-in user's own account: password, 2FA and recovery codes."""

from flask import flash, url_for
from flask_login import current_user, login_user

from cloudmanager.auth import bp, totp
from cloudmanager.auth.forms import ChangePasswordForm, PasswordConfirmForm
from cloudmanager.auth.passwords import verify_password
from cloudmanager.auth.services import change_password as change_password_service
from cloudmanager.core.errors import DomainError
from cloudmanager.core.forms import apply_errors, form_status
from cloudmanager.core.htmx import redirect_to, render_page
from cloudmanager.core.timeutil import utcnow
from cloudmanager.extensions import db


def _account_page(status: int = 200, **forms):
    user = current_user._get_current_object()
    context = {
        "password_form": forms.get("password_form") or ChangePasswordForm(formdata=None),
        "codes_form": forms.get("codes_form") or PasswordConfirmForm(formdata=None, prefix="codes"),
        "disable_form": forms.get("disable_form")
        or PasswordConfirmForm(formdata=None, prefix="disable"),
        "remaining_codes": totp.remaining_recovery_codes(user),
    }
    return render_page("auth/account.html", status=status, **context)


def _keep_signed_in() -> None:
    """After the stamp rotates, re-sign this session so only the others end."""
    from flask import session

    login_user(current_user._get_current_object())
    session["last_seen"] = utcnow().timestamp()


@bp.get("/account")
def account():
    """Account and security overview."""
    return _account_page()


@bp.post("/account/password")
def change_password():
    """Change one's password (current password required); other sessions end."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            change_password_service(
                current_user, current=form.current_password.data, new=form.password.data
            )
        except DomainError as error:
            apply_errors(form, error)
        else:
            db.session.commit()
            _keep_signed_in()
            flash("Your password was changed. Other sessions were signed out.", "success")
            return redirect_to(url_for("auth.account"))
    return _account_page(status=form_status(form) if form.errors else 422, password_form=form)


def _password_confirmed(form: PasswordConfirmForm) -> bool:
    if not form.validate_on_submit():
        return False
    if not verify_password(current_user.password_hash, form.password.data):
        form.password.errors = ["This is not your password."]
        return False
    return True


@bp.post("/account/recovery-codes")
def regenerate_recovery_codes():
    """Replace the recovery codes (password required) and show the new ones once."""
    form = PasswordConfirmForm(prefix="codes")
    if not current_user.totp_enabled:
        flash("Turn on two-factor authentication first.", "warning")
        return redirect_to(url_for("auth.account"))
    if _password_confirmed(form):
        codes = totp.generate_recovery_codes(current_user)
        db.session.commit()
        return render_page(
            "auth/recovery_codes.html", codes=codes, next_url=url_for("auth.account")
        )
    return _account_page(status=422, codes_form=form)


@bp.post("/account/2fa/disable")
def disable_2fa():
    """Turn 2FA off (password required); it must be set up again where policy demands."""
    form = PasswordConfirmForm(prefix="disable")
    if _password_confirmed(form):
        totp.disable_2fa(current_user, by=current_user)
        db.session.commit()
        _keep_signed_in()
        flash(
            "Two-factor authentication is off. Set it up again to protect your account.", "warning"
        )
        return redirect_to(url_for("auth.account"))
    return _account_page(status=422, disable_form=form)
