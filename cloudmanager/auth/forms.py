"""Forms of the sign-in, account and user administration pages."""

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from cloudmanager.core.permissions import ROLE_LABELS, ROLES

ROLE_CHOICES = [(role, ROLE_LABELS[role]) for role in ROLES]


class LoginForm(FlaskForm):
    """Email and password."""

    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])


class CodeForm(FlaskForm):
    """The second step: a TOTP code or a recovery code."""

    code = StringField(
        "Authentication code",
        validators=[DataRequired(), Length(max=32)],
        description="The 6-digit code from your authenticator app, or a recovery code.",
    )


class EnrolForm(FlaskForm):
    """Confirms that the authenticator app holds the new secret."""

    code = StringField("Code from the app", validators=[DataRequired(), Length(max=12)])


class PasswordConfirmForm(FlaskForm):
    """Re-enter the password before a sensitive change."""

    password = PasswordField("Your password", validators=[DataRequired(), Length(max=1024)])


class NewPasswordForm(FlaskForm):
    """Choose a password (reset, invitation)."""

    password = PasswordField(
        "New password",
        validators=[DataRequired(), Length(max=1024)],
        description="At least 12 characters; common passwords are refused.",
    )
    confirm = PasswordField(
        "Repeat the password",
        validators=[DataRequired(), EqualTo("password", message="The passwords differ.")],
    )


class ChangePasswordForm(NewPasswordForm):
    """Change one's own password."""

    current_password = PasswordField("Current password", validators=[DataRequired()])


class ForgotPasswordForm(FlaskForm):
    """Ask for a reset link."""

    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])


class InviteForm(FlaskForm):
    """Invite a member of staff."""

    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    role = SelectField("Role", choices=ROLE_CHOICES, default="agent")


class RoleForm(FlaskForm):
    """Change a user's role."""

    role = SelectField("Role", choices=ROLE_CHOICES)


class AuditFilterForm(FlaskForm):
    """Filters of the audit log (GET, no CSRF)."""

    class Meta:
        csrf = False

    actor = SelectField("Who", choices=[], validators=[Optional()], validate_choice=False)
    object_type = StringField("Object type", validators=[Optional(), Length(max=64)])
    action = StringField("Action", validators=[Optional(), Length(max=64)])
    date_from = StringField("From", validators=[Optional()])
    date_to = StringField("To", validators=[Optional()])
