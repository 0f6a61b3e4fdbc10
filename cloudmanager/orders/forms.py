"""Forms of the order, service and billing pages; order lines are parsed by the services."""

import re
from typing import Any

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

LINE_FIELDS = ("product", "quantity", "unit_price", "discount")
LINE_KEY = re.compile(r"^lines-(\d+)-(\w+)$")


class OrderForm(FlaskForm):
    """The header of an order: customer (new orders only) and notes."""

    customer_id = SelectField("Customer", choices=[], validate_choice=False)
    notes = TextAreaField("Internal notes", validators=[Length(max=5000)])


class ReasonForm(FlaskForm):
    """A reason for cancelling or flagging an order, or for a service action."""

    reason = TextAreaField("Reason", validators=[Optional(), Length(max=2000)])


class ChangeServiceForm(FlaskForm):
    """Another plan and/or quantity for a service."""

    product_id = SelectField("Plan", choices=[], validate_choice=False)
    quantity = StringField("Quantity", validators=[Length(max=6)])


class BillingRunForm(FlaskForm):
    """Start a billing run now (CSRF only)."""


def order_rows(form: Any) -> list[dict[str, str]]:
    """The editor's lines from posted data, in row order; `product` is "<id>:<cycle>"."""
    rows: dict[int, dict[str, str]] = {}
    for key, value in form.items():
        match = LINE_KEY.match(key)
        if match and match.group(2) in LINE_FIELDS:
            rows.setdefault(int(match.group(1)), {})[match.group(2)] = value.strip()
    result = []
    for index in sorted(rows):
        row = rows[index]
        product_id, _, cycle = (row.get("product") or "").partition(":")
        row.update(product_id=product_id, cycle="" if cycle == "one_off" else cycle)
        result.append(row)
    return result


def line_choices() -> list[tuple[str, str, str]]:
    """(value, label, list price) for each product on sale and each cycle it is offered in."""
    from cloudmanager.products.models import BILLING_CYCLES
    from cloudmanager.products.services import list_products

    choices = []
    for product in list_products(size=200).items:
        if not product.active:
            continue
        if product.is_recurring:
            for price in product.prices:
                label = f"{product.name} — {BILLING_CYCLES.get(price.cycle, price.cycle)}"
                choices.append((f"{product.id}:{price.cycle}", label, str(price.amount)))
        elif product.one_off_price is not None:
            value = f"{product.id}:one_off"
            choices.append((value, f"{product.name} — one-off", str(product.one_off_price)))
    return choices
