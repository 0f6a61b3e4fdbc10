"""Forms of the customer pages. They carry input and CSRF; the services hold the rules."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from cloudmanager.core.countries import country_choices
from cloudmanager.customers.models import KINDS
from cloudmanager.customers.validation import CURRENCIES


class Marked:
    """Marks a field as required in the markup (asterisk, `required`); services validate."""

    field_flags = {"required": True}

    def __call__(self, form, field) -> None:
        """No check here: the service is the one place the rule lives."""


class BillingForm(FlaskForm):
    """The billing fields: accountants may edit only these."""

    vat_id = StringField("VAT / tax id", description="EU VAT ids are checked per country.")
    address_line1 = StringField("Address line 1", render_kw={"autocomplete": "address-line1"})
    address_line2 = StringField("Address line 2", render_kw={"autocomplete": "address-line2"})
    postcode = StringField("Postcode", render_kw={"autocomplete": "postal-code"})
    city = StringField("City", render_kw={"autocomplete": "address-level2"})
    country = SelectField("Country", validators=[Marked()], validate_choice=False)
    currency = SelectField(
        "Currency", choices=[SelectChoice(c) for c in CURRENCIES], validate_choice=False
    )
    payment_terms_days = StringField(
        "Payment terms (days)", default="14", render_kw={"inputmode": "numeric"}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = [SelectChoice("", "Choose a country…")] + [
            SelectChoice(code, name) for code, name in country_choices()
        ]


class CustomerForm(BillingForm):
    """Every field of a customer (managers and admins)."""

    kind = SelectField(
        "Kind", choices=[SelectChoice(k, v) for k, v in KINDS.items()], validate_choice=False
    )
    name = StringField("Name", validators=[Marked()], render_kw={"autocomplete": "organization"})
    email = StringField(
        "Email",
        validators=[Marked()],
        render_kw={"inputmode": "email", "autocomplete": "email", "spellcheck": "false"},
    )
    phone = StringField(
        "Phone", description="International format, e.g. +49 30 1234567.", render_kw={"type": "tel"}
    )
    website = StringField("Website", render_kw={"inputmode": "url"})
    tags = StringField("Tags", description="Comma-separated, e.g. vip, reseller.")
    notes = TextAreaField("Notes", render_kw={"rows": 3})


class ContactForm(FlaskForm):
    """A contact person of a customer."""

    name = StringField("Name", validators=[Marked()], render_kw={"autocomplete": "name"})
    email = StringField("Email", render_kw={"inputmode": "email", "spellcheck": "false"})
    phone = StringField("Phone", description="International format, e.g. +49 151 2345678.")
    job_title = StringField("Job title")
    is_primary = BooleanField("Primary contact")
    receives_invoices = BooleanField("Receives invoices by email")
    receives_sms = BooleanField("Receives SMS notifications")


class NoteForm(FlaskForm):
    """A note for the timeline."""

    body = TextAreaField("Note", validators=[Marked()], render_kw={"rows": 3})


class UploadForm(FlaskForm):
    """The CSV file of an import."""

    file = FileField("CSV file", validators=[FileRequired("Choose a CSV file.")])


def apply_errors(form: FlaskForm, errors: dict[str, str]) -> None:
    """Put service errors next to their fields (unknown fields go on top of the form)."""
    for name, message in errors.items():
        if name in form._fields:
            form[name].errors = [message]
        else:
            form.form_errors.append(message)


def form_values(form: FlaskForm) -> dict:
    """The submitted values without the CSRF token."""
    return {key: value for key, value in form.data.items() if key != "csrf_token"}
