"""Forms of the portal: tickets, orders, service requests (sign-in forms: auth.forms)."""

from flask_wtf import FlaskForm
from wtforms import MultipleFileField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from cloudmanager.tickets.models import PRIORITIES


class NewTicketForm(FlaskForm):
    """Open a ticket."""

    department = SelectField("Department", choices=[], validate_choice=False)
    priority = SelectField("Priority", choices=list(PRIORITIES.items()), default="normal")
    subject = StringField("Subject", validators=[DataRequired(), Length(max=200)])
    body = TextAreaField("Message", validators=[DataRequired()], render_kw={"rows": 8})
    attachments = MultipleFileField("Attachments")


class PortalReplyForm(FlaskForm):
    """Reply on a ticket."""

    body = TextAreaField("Your reply", validators=[DataRequired()], render_kw={"rows": 5})
    attachments = MultipleFileField("Attachments")


class PortalOrderForm(FlaskForm):
    """One product of the catalog, its billing cycle and a quantity (list prices only)."""

    product_id = SelectField("Product", choices=[], validate_choice=False)
    cycle = SelectField("Billing cycle", choices=[], validate_choice=False)
    quantity = StringField(
        "Quantity",
        default="1",
        validators=[Length(max=6)],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )


class CancelServiceForm(FlaskForm):
    """Ask for a service to end with its paid period (a reason helps us, it is optional)."""

    reason = TextAreaField(
        "Why are you leaving? (optional)",
        validators=[Optional(), Length(max=1000)],
        render_kw={"rows": 2},
    )
