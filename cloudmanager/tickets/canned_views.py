"""Canned responses: the prepared replies agents insert (managed by managers and admins)."""

from flask import abort, flash, url_for
from flask_login import current_user
from sqlalchemy import select

from cloudmanager.core.errors import DomainError
from cloudmanager.core.forms import apply_errors, form_status
from cloudmanager.core.htmx import redirect_to, render_page
from cloudmanager.extensions import db
from cloudmanager.tickets import bp
from cloudmanager.tickets.canned import create_canned, delete_canned
from cloudmanager.tickets.forms import CannedForm
from cloudmanager.tickets.helpdesk import departments
from cloudmanager.tickets.models import CannedResponse
from cloudmanager.tickets.text import PLACEHOLDERS


def _form(formdata=...) -> CannedForm:
    form = CannedForm() if formdata is ... else CannedForm(formdata=formdata)
    form.department.choices = [("", "Every department")] + [(d, d) for d in departments()]
    return form


def _page(form: CannedForm, status: int = 200):
    rows = db.session.scalars(select(CannedResponse).order_by(CannedResponse.title).limit(500))
    return render_page(
        "tickets/canned.html",
        "tickets/_canned_form.html",
        form=form,
        rows=list(rows),
        placeholders=PLACEHOLDERS,
        status=status,
    )


@bp.get("/canned")
def canned():
    """The canned responses and a form to add one."""
    return _page(_form(None))


@bp.post("/canned")
def create_canned_response():
    """Add a canned response."""
    form = _form()
    if form.validate_on_submit():
        try:
            create_canned(form.data, by=current_user)
        except DomainError as error:
            apply_errors(form, error)
        else:
            db.session.commit()
            flash("Canned response saved.", "success")
            return redirect_to(url_for("tickets.canned"))
    return _page(form, status=form_status(form) if form.errors else 422)


@bp.post("/canned/<int:canned_id>/delete")
def delete_canned_response(canned_id: int):
    """Remove a canned response."""
    row = db.session.get(CannedResponse, canned_id)
    if row is None:
        abort(404)
    delete_canned(row, by=current_user)
    db.session.commit()
    flash("Canned response deleted.", "success")
    return redirect_to(url_for("tickets.canned"))
