"""The form that creates an API token."""

from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField, widgets
from wtforms.validators import DataRequired, Length

EXPIRY_CHOICES = [("30", "30 days"), ("90", "90 days"), ("365", "1 year"), ("never", "Never")]


class TokenForm(FlaskForm):
    """Name, scopes (limited to what the role allows) and expiry."""

    name = StringField("Name", validators=[DataRequired(), Length(max=100)])
    scopes = SelectMultipleField(
        "Scopes",
        choices=[],
        widget=widgets.ListWidget(prefix_label=False),
        option_widget=widgets.CheckboxInput(),
        validate_choice=False,
    )
    expires = SelectField("Expires after", choices=EXPIRY_CHOICES, default="90")
