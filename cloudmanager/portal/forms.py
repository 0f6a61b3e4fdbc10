"""Forms of the portal's ticket pages (sign-in forms are shared with staff: auth.forms)."""

from flask_wtf import FlaskForm
from wtforms import MultipleFileField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

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
