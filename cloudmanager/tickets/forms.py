"""Forms of the staff ticket pages."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    MultipleFileField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from cloudmanager.tickets.models import PRIORITIES, STATUSES
from cloudmanager.tickets.queries import VIEWS


class ReplyForm(FlaskForm):
    """A reply to the customer or an internal note, with files."""

    body = TextAreaField("Message", validators=[DataRequired()], render_kw={"rows": 6})
    internal = BooleanField("Internal note (never shown to the customer)")
    attachments = MultipleFileField("Attachments")


class FilterForm(FlaskForm):
    """List filters (GET, no CSRF)."""

    class Meta:
        csrf = False

    view = SelectField("View", choices=list(VIEWS.items()), default="open")
    q = StringField("Search", validators=[Optional(), Length(max=100)])
    status = SelectField("Status", choices=[("", "Any status"), *STATUSES.items()])
    priority = SelectField("Priority", choices=[("", "Any priority"), *PRIORITIES.items()])
    department = SelectField("Department", choices=[], validate_choice=False)
    assignee = SelectField("Assignee", choices=[], validate_choice=False)
    tag = StringField("Tag", validators=[Optional(), Length(max=40)])


class PropertiesForm(FlaskForm):
    """Status, priority, assignee and department, each saved on change."""

    status = SelectField("Status", choices=list(STATUSES.items()))
    priority = SelectField("Priority", choices=list(PRIORITIES.items()))
    assignee = SelectField("Assignee", choices=[], validate_choice=False)
    department = SelectField("Department", choices=[], validate_choice=False)
    tags = StringField("Tags", description="Separated by commas.")


class LinkCustomerForm(FlaskForm):
    """Link a ticket from an unknown sender to a customer."""

    customer_number = StringField(
        "Customer number", validators=[DataRequired(), Length(max=20)], description="e.g. C-000123"
    )


class NewTicketForm(FlaskForm):
    """Staff open a ticket for a customer (a call, a chat, a letter)."""

    requester_email = EmailField(
        "Requester email",
        validators=[DataRequired(), Length(max=254)],
        description="A contact's email links the ticket to its customer.",
    )
    department = SelectField("Department", choices=[], validate_choice=False)
    priority = SelectField("Priority", choices=list(PRIORITIES.items()), default="normal")
    subject = StringField("Subject", validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(
        "The customer's request", validators=[DataRequired()], render_kw={"rows": 6}
    )
    attachments = MultipleFileField("Attachments")


class CannedForm(FlaskForm):
    """A canned response."""

    title = StringField("Title", validators=[DataRequired(), Length(max=120)])
    body = TextAreaField(
        "Text",
        validators=[DataRequired(), Length(max=10_000)],
        render_kw={"rows": 6},
        description="Placeholders: {customer_name} {contact_name} {ticket_number} "
        "{ticket_subject} {agent_name} {department}",
    )
    department = SelectField("Department", choices=[], validate_choice=False)
