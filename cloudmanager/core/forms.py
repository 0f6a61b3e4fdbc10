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


def line_messages(errors: dict[str, str]) -> list[str]:
    """An editor's errors as sentences: `lines-1-product` -> "Line 2: …", in line order.

    Errors not tied to a line come first, as they are.
    """
    general, by_line = [], []
    for key, message in errors.items():
        parts = key.split("-", 2)
        if len(parts) == 3 and parts[0] == "lines" and parts[1].isdigit():
            by_line.append((int(parts[1]), message))
        else:
            general.append(message)
    return general + [f"Line {index + 1}: {message}" for index, message in sorted(by_line)]
