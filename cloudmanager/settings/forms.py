"""One form per settings group; `load` fills it from settings, `dump` gives them back.

Field names are the setting's short key (`legal_name` for `company.legal_name`)
unless the form overrides `load`/`dump`; the settings service checks the values.
"""

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, Length, Optional

from cloudmanager.products.currencies import currency_choices
from cloudmanager.products.forms import as_choices
from cloudmanager.settings.events import event_choices
from cloudmanager.settings.validation import DATE_FORMATS, NUMBER_FORMATS


class SettingsForm(FlaskForm):
    """Maps fields to the settings under `settings_prefix`."""

    settings_prefix = ""

    def setting_fields(self):
        """The fields that are settings (not the CSRF token)."""
        return [f for f in self if f.name != "csrf_token"]

    def load(self, values: dict[str, Any]) -> None:
        """Fill the fields from {short_key: value}."""
        for field in self.setting_fields():
            if field.name in values:
                field.data = values[field.name]

    def dump(self) -> dict[str, Any]:
        """{full_key: value} for `update_settings`."""
        return {f"{self.settings_prefix}.{f.name}": f.data for f in self.setting_fields()}

    def field_for(self, key: str) -> str:
        """The field showing the error of setting `key`."""
        return key.split(".", 1)[1]


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class CompanyForm(SettingsForm):
    """Legal name, address, VAT and bank details, contact."""

    settings_prefix = "company"
    legal_name = StringField("Legal name", validators=[DataRequired(), Length(max=200)])
    address = TextAreaField("Address", validators=[DataRequired()], render_kw={"rows": 3})
    country = StringField(
        "Country",
        validators=[DataRequired(), Length(max=2)],
        description="Two-letter code; decides when reverse charge applies.",
    )
    vat_id = StringField("VAT id", validators=[Optional(), Length(max=20)])
    registration_number = StringField("Registration number", validators=[Optional()])
    iban = StringField("IBAN", validators=[Optional()])
    bic = StringField("BIC", validators=[Optional()])
    email = StringField("Contact email", validators=[DataRequired()])
    phone = StringField("Phone", validators=[Optional()])


class LogoForm(FlaskForm):
    """Upload a new company logo."""

    logo = FileField(
        "Logo",
        description="PNG, JPEG or WebP, at most 2 MB.",
        render_kw={"accept": "image/png,image/jpeg,image/webp"},
    )


class LocaleForm(SettingsForm):
    """Currency, date and number formats."""

    settings_prefix = "locale"
    currency = SelectField("Currency", choices=as_choices(currency_choices()))
    date_format = SelectField("Date format", choices=as_choices(DATE_FORMATS.items()))
    number_format = SelectField("Number format", choices=as_choices((f, f) for f in NUMBER_FORMATS))


class InvoicingForm(SettingsForm):
    """Numbering, payment terms, reminders, renewals, suspension."""

    settings_prefix = "invoicing"
    number_prefix = StringField("Invoice number prefix", validators=[Length(max=12)])
    number_digits = IntegerField("Digits of the running number", validators=[Optional()])
    yearly_reset = BooleanField("Start again at 1 every year (INV-2026-00001)")
    credit_note_prefix = StringField("Credit note prefix", validators=[Length(max=12)])
    payment_terms_days = IntegerField("Payment terms (days)", validators=[Optional()])
    reminder_days_before = StringField(
        "Reminders before the due date (days)", description="Comma-separated, e.g. 3"
    )
    reminder_days_after = StringField(
        "Reminders after the due date (days)", description="Comma-separated, e.g. 7, 14, 30"
    )
    renewal_days_before = IntegerField(
        "Renewal invoices, days before the period", validators=[Optional()]
    )
    suspend_after_days = IntegerField(
        "Suspend services after (days overdue)", validators=[Optional()]
    )
    reverse_charge_note = TextAreaField("Reverse-charge note on invoices", render_kw={"rows": 2})

    def load(self, values: dict[str, Any]) -> None:
        """Day lists are shown comma-separated."""
        super().load(values)
        for name in ("reminder_days_before", "reminder_days_after"):
            self[name].data = ", ".join(str(day) for day in values[name])


class NotificationsForm(SettingsForm):
    """Sender address and which events go out by email and by SMS."""

    settings_prefix = "notifications"
    sender = StringField(
        "Sender", validators=[DataRequired()], description="e.g. Example GmbH <billing@example.com>"
    )
    email_events = MultiCheckboxField("Send by email", choices=as_choices(event_choices()))
    sms_events = MultiCheckboxField("Send by SMS", choices=as_choices(event_choices()))


class SecurityForm(SettingsForm):
    """2FA policy, idle timeout and lockout."""

    settings_prefix = "security"
    require_2fa = BooleanField("Require two-factor sign-in (always for administrators when on)")
    require_2fa_non_admins = BooleanField("Also require it for managers, agents and accountants")
    session_idle_minutes = IntegerField("Sign out after idle (minutes)", validators=[Optional()])
    lockout_threshold = IntegerField(
        "Lock an account after failed sign-ins", validators=[Optional()]
    )
    lockout_minutes = IntegerField("Lock for (minutes)", validators=[Optional()])


class EmailTemplateForm(FlaskForm):
    """Subject and bodies of one notification email."""

    subject = StringField("Subject", validators=[DataRequired(), Length(max=255)])
    body_text = TextAreaField(
        "Plain-text body",
        validators=[DataRequired()],
        render_kw={"rows": 12, "spellcheck": "false"},
    )
    body_html = TextAreaField(
        "HTML body", validators=[DataRequired()], render_kw={"rows": 14, "spellcheck": "false"}
    )
