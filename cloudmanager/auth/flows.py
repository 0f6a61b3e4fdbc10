"""The password pages staff and portal users share: ask for a reset link, choose a password.

Each side passes what differs (how to find the account, how to send the link,
which templates and sign-in page); the rules and answers are the same.
"""

from typing import Any, Callable

from flask import flash, url_for

from cloudmanager.auth.forms import ForgotPasswordForm, NewPasswordForm
from cloudmanager.auth.services import set_password
from cloudmanager.core.errors import DomainError
from cloudmanager.core.forms import apply_errors, form_status
from cloudmanager.core.htmx import redirect_to, render_page
from cloudmanager.extensions import db


def forgot_password_page(
    find: Callable[[str], Any], send: Callable[[Any], None], *, sent: str, login: str, template: str
):
    """Send a reset link to an active account with a password; answer the same either way."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = find(form.email.data)
        if user is not None and user.active and user.has_password:
            send(user)
            db.session.commit()
        flash(sent, "info")
        return redirect_to(url_for(login))
    return render_page(template, form=form, status=form_status(form))


def choose_password_page(user: Any, *, action: str, login: str, template: str, **context):
    """Set the password of `user` (from an invitation or reset link), then go to sign in."""
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            set_password(user, form.password.data, by=user, action=action)
        except DomainError as error:
            apply_errors(form, error)
        else:
            db.session.commit()
            flash("Your password is set. Please sign in.", "success")
            return redirect_to(url_for(login))
    return render_page(template, form=form, user=user, status=form_status(form), **context)
