"""Invoices, payments, credit notes, PDFs and reminders."""

from flask import Blueprint

bp = Blueprint("invoices", __name__, url_prefix="/invoices")


@bp.app_template_filter("plain")
def plain_filter(value, min_places: int = 0) -> str:
    """Quantities and unit prices without trailing zeros (`1.5`, `12.50`)."""
    from cloudmanager.invoices.documents import plain_decimal

    return plain_decimal(value, min_places)


from cloudmanager.invoices import actions, editor, hooks, jobs, views  # noqa: E402,F401

hooks.register()
