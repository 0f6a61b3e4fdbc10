"""Forms of the catalog: products, product groups, tax rates.

Amounts are text fields on purpose: the services parse and check them
(negative, more than 4 decimals), so the API and the forms obey one rule.
"""

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    SelectChoice,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from cloudmanager.products.currencies import currency_choices
from cloudmanager.products.models import BILLING_CYCLES, PRODUCT_KINDS, SUPPORT_TIERS

AMOUNT_ATTRS = {"inputmode": "decimal", "autocomplete": "off", "placeholder": "0.00"}


def as_choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(value, label) for value, label in pairs]


def optional_int(value: Any) -> int | None:
    """Select boxes send "" for "none"."""
    return int(value) if value not in (None, "", "None") else None


class ProductForm(FlaskForm):
    """Create or edit a product."""

    sku = StringField("SKU", validators=[DataRequired(), Length(max=64)])
    name = StringField("Name", validators=[DataRequired(), Length(max=160)])
    description = TextAreaField("Description", validators=[Optional()])
    group_id = SelectField("Group", coerce=optional_int, validate_choice=False)
    kind = SelectField("Type", choices=as_choices(PRODUCT_KINDS.items()))
    currency = SelectField(
        "Currency", choices=as_choices(currency_choices()), validate_choice=False
    )
    one_off_price = StringField(
        "One-off price", render_kw=AMOUNT_ATTRS, description="Only for one-off products."
    )
    price_monthly = StringField("Monthly", render_kw=AMOUNT_ATTRS)
    price_quarterly = StringField("Quarterly", render_kw=AMOUNT_ATTRS)
    price_semiannual = StringField("Semi-annual", render_kw=AMOUNT_ATTRS)
    price_annual = StringField("Annual", render_kw=AMOUNT_ATTRS)
    setup_fee = StringField("Setup fee", render_kw=AMOUNT_ATTRS)
    tax_rate_id = SelectField(
        "Tax rate",
        coerce=optional_int,
        validate_choice=False,
        description="Empty: the customer country's standard rate.",
    )
    support_tier = SelectField(
        "Support tier", choices=as_choices([("", "None"), *SUPPORT_TIERS.items()])
    )
    stock = StringField(
        "Stock",
        render_kw={"inputmode": "numeric"},
        description="Empty for unlimited; orders cannot oversell a set stock.",
    )
    active = BooleanField("Active (can be ordered)", default=True)
    visible_in_portal = BooleanField("Visible in the customer portal", default=True)
    activate_on_order = BooleanField(
        "Start services when the order is accepted",
        description="Otherwise a service starts when its first invoice is paid.",
    )

    def data_for_service(self) -> dict[str, Any]:
        """The form's values in the shape `create_product`/`update_product` take."""
        data = {
            name: self[name].data
            for name in (
                "sku name description group_id kind currency one_off_price setup_fee "
                "tax_rate_id support_tier stock active visible_in_portal activate_on_order"
            ).split()
        }
        data["prices"] = {cycle: self[f"price_{cycle}"].data for cycle in BILLING_CYCLES}
        return data

    def fill_from(self, product) -> None:
        """Prefill from an existing product (amounts without trailing zeros)."""
        for name in (
            "sku",
            "name",
            "description",
            "group_id",
            "kind",
            "currency",
            "tax_rate_id",
            "support_tier",
            "active",
            "visible_in_portal",
            "activate_on_order",
        ):
            self[name].data = getattr(product, name)
        self.stock.data = "" if product.stock is None else str(product.stock)
        self.one_off_price.data = _amount_text(product.one_off_price)
        self.setup_fee.data = _amount_text(product.setup_fee)
        for price in product.prices:
            self[f"price_{price.cycle}"].data = _amount_text(price.amount)


def _amount_text(value) -> str:
    if value is None:
        return ""
    text = f"{value:f}"
    if "." in text:
        whole, frac = text.split(".")
        text = f"{whole}.{frac.rstrip('0').ljust(2, '0')}"
    return text


class GroupForm(FlaskForm):
    """Create or rename a product group."""

    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    description = StringField("Description", validators=[Optional(), Length(max=500)])
    position = IntegerField("Position", default=0, validators=[Optional()])


class TaxRateForm(FlaskForm):
    """Create or edit a tax rate."""

    name = StringField(
        "Name",
        validators=[DataRequired(), Length(max=80)],
        description='Use "VAT" for a country\'s standard rate.',
    )
    country = StringField(
        "Country",
        validators=[DataRequired(), Length(max=2)],
        render_kw={"placeholder": "DE", "autocapitalize": "characters"},
    )
    percent = StringField(
        "Percentage", validators=[DataRequired()], render_kw={"inputmode": "decimal"}
    )
    valid_from = DateField("Valid from", validators=[DataRequired()])
    valid_to = DateField(
        "Valid until", validators=[Optional()], description="Last day it applies; empty for no end."
    )
    is_default = BooleanField("Default rate (when no country rate applies)")

    def data_for_service(self) -> dict[str, Any]:
        """The form's values for `save_tax_rate`."""
        return {
            name: self[name].data
            for name in ("name", "country", "percent", "valid_from", "valid_to", "is_default")
        }


class SupersedeForm(FlaskForm):
    """A new percentage for an existing rate from a date."""

    percent = StringField(
        "New percentage", validators=[DataRequired()], render_kw={"inputmode": "decimal"}
    )
    from_date = DateField("Applies from", validators=[DataRequired()])
