"""Helpers between Flask-WTF forms and service errors."""

from flask_wtf import FlaskForm

from cloudmanager.core.errors import DomainError, ValidationFailed


def apply_errors(form: FlaskForm, error: DomainError) -> None:
    """Show a service's errors next to the matching fields (others above the form)."""
    errors = (
        error.errors if isinstance(error, ValidationFailed) else {error.field or "": error.message}
    )
    general = list(getattr(form, "form_errors", []) or [])
    for name, message in errors.items():
        field = form._fields.get(name) if name else None
        if field is not None:
            field.errors = list(field.errors) + [message]
        else:
            general.append(message)
    form.form_errors = general


def form_status(form: FlaskForm) -> int:
    """422 for a submitted form with errors, else 200."""
    has_errors = bool(form.errors) or bool(getattr(form, "form_errors", None))
    return 422 if has_errors else 200
