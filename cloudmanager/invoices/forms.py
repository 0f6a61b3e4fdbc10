"""Forms of the invoice pages; editor lines are parsed by `drafts.parse_lines`, not WTForms."""

import re
from typing import Any

from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from cloudmanager.invoices.credit_notes import SETTLEMENTS
from cloudmanager.invoices.models import PAYMENT_METHODS

LINE_FIELDS = ("description", "quantity", "unit_price", "discount", "tax_rate_id", "product_id")
LINE_KEY = re.compile(r"^lines-(\d+)-(\w+)$")


class DraftForm(FlaskForm):
    """The header of a draft: customer (new drafts only), payment terms, notes."""

    customer_id = SelectField("Customer", choices=[], validate_choice=False)
    payment_terms_days = StringField("Payment terms (days)", validators=[Length(max=3)])
    notes = TextAreaField("Notes printed on the invoice", validators=[Length(max=4000)])


class PaymentForm(FlaskForm):
    """Money received for an invoice."""

    amount = StringField("Amount", validators=[DataRequired()])
    method = SelectField("Method", choices=list(PAYMENT_METHODS.items()))
    reference = StringField(
        "Reference",
        validators=[Length(max=120)],
        description="Bank or card reference; the same reference is never booked twice.",
    )
    received_on = DateField("Received on", validators=[Optional()])
    note = TextAreaField("Internal note", validators=[Length(max=2000)])


class VoidForm(FlaskForm):
    """Cancel an issued invoice."""

    reason = TextAreaField("Reason", validators=[DataRequired(), Length(max=2000)])


class CreditNoteForm(FlaskForm):
    """Credit all or some lines; quantities per line are read from `quantity-<line id>`."""

    reason = TextAreaField("Reason", validators=[DataRequired(), Length(max=2000)])
    settle = RadioField("Settle", choices=list(SETTLEMENTS.items()), default="invoice")


def line_rows(form: Any) -> list[dict[str, str]]:
    """The editor's lines from posted form data, in row order (indices need only be unique)."""
    rows: dict[int, dict[str, str]] = {}
    for key, value in form.items():
        match = LINE_KEY.match(key)
        if match and match.group(2) in LINE_FIELDS:
            rows.setdefault(int(match.group(1)), {})[match.group(2)] = value
    return [rows[index] for index in sorted(rows)]


def credit_quantities(form: Any) -> dict[int, str]:
    """{invoice line id: quantity} from `quantity-<line id>` fields."""
    found = {}
    for key, value in form.items():
        if key.startswith("quantity-") and key[9:].isdigit():
            found[int(key[9:])] = value
    return found
