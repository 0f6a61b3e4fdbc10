"""The webhook form."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectMultipleField, StringField, URLField, widgets
from wtforms.validators import DataRequired, Length

from cloudmanager.webhooks.events import EVENTS


class WebhookForm(FlaskForm):
    """URL, description, events and the active flag."""

    url = URLField("Payload URL", validators=[DataRequired(), Length(max=2000)])
    description = StringField("Description", validators=[Length(max=200)])
    events = SelectMultipleField(
        "Events",
        choices=[(name, f"{name} — {label}") for name, label in EVENTS.items()],
        widget=widgets.ListWidget(prefix_label=False),
        option_widget=widgets.CheckboxInput(),
        validate_choice=False,
    )
    active = BooleanField("Active", default=True)
