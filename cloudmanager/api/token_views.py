"""Back-office pages where staff make, see and revoke their personal API tokens."""

from datetime import timedelta

from flask import abort, flash, url_for
from flask_login import current_user
from sqlalchemy import select

from cloudmanager.api import tokens_bp
from cloudmanager.api.forms import TokenForm
from cloudmanager.api.models import ApiToken
from cloudmanager.api.scopes import SCOPE_LABELS, scopes_for_role
from cloudmanager.api.tokens import create_token, revoke_token
from cloudmanager.core.errors import DomainError
from cloudmanager.core.forms import apply_errors, form_status
from cloudmanager.core.htmx import redirect_to, render_page
from cloudmanager.core.timeutil import utcnow
from cloudmanager.extensions import db


def _form() -> TokenForm:
    form = TokenForm()
    form.scopes.choices = [
        (scope, SCOPE_LABELS[scope]) for scope in scopes_for_role(current_user.role)
    ]
    return form


def _page(form: TokenForm, status: int = 200):
    rows = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == current_user.id).order_by(ApiToken.id.desc())
    ).all()
    return render_page("api/tokens.html", form=form, tokens=rows, now=utcnow(), status=status)


@tokens_bp.get("/")
def index():
    """The signed-in user's tokens and the form to make one."""
    return _page(_form())


@tokens_bp.post("/")
def create():
    """Make a token and show its secret once."""
    form = _form()
    if form.validate_on_submit():
        days = form.expires.data
        expires_at = None if days == "never" else utcnow() + timedelta(days=int(days))
        try:
            token, secret = create_token(
                current_user,
                name=form.name.data,
                scopes=form.scopes.data or [],
                expires_at=expires_at,
            )
        except DomainError as error:
            apply_errors(form, error)
        else:
            db.session.commit()
            return render_page("api/token_created.html", token=token, secret=secret)
    return _page(form, status=form_status(form) if form.errors else 422)


@tokens_bp.post("/<int:token_id>/revoke")
def revoke(token_id: int):
    """Revoke one of one's own tokens."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    revoke_token(token, by=current_user)
    db.session.commit()
    flash(f"Token “{token.name}” was revoked.", "success")
    return redirect_to(url_for("api_tokens.index"))
