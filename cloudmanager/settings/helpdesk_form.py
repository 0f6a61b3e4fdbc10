"""The helpdesk settings form: departments, calendars, SLA targets, and each department's own.

Every department gets a sub-form (its own time zone, hours, holidays and
members); what it leaves empty is the helpdesk's. Fields check their input
with the settings rules (`settings.helpdesk_rules`), so a bad value shows next to
its field; the settings service checks everything again before it stores it.
"""

from typing import Any, Callable

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import Optional

from cloudmanager.settings import helpdesk_rules
from cloudmanager.settings.forms import MultiCheckboxField, SettingsForm
from cloudmanager.settings.helpdesk_rules import PRIORITIES, WEEKDAYS

HOURS_PATTERN = r"\d\d:\d\d-\d\d:\d\d"


def checked(rule: Callable[[Any], Any]) -> Callable[[Any, Any], None]:
    """A field validator that runs a settings rule and shows its message on the field."""

    def validate(form: Any, field: Any) -> None:
        try:
            rule(field.data)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None

    return validate


class DepartmentForm(Form):
    """One department's own time zone, hours, holidays and members (empty: the helpdesk's)."""

    def validate_works_holidays(self, field: Any) -> None:
        """Own holidays and none at all cannot both hold."""
        if field.data and helpdesk_rules.lines(self.holidays.data or ""):
            raise ValidationError("It has holidays of its own: clear them, or untick this.")

    department = HiddenField()
    timezone = StringField(
        "Time zone",
        validators=[checked(helpdesk_rules.optional_timezone)],
        description="Empty: the helpdesk's time zone.",
    )
    holidays = TextAreaField(
        "Holidays",
        validators=[checked(helpdesk_rules.holidays)],
        description="One date per line; empty: the helpdesk's holidays.",
        render_kw={"rows": 3},
    )
    works_holidays = BooleanField(
        "Works through holidays",
        description="Its SLA clocks keep running on the helpdesk's holidays (a 24/7 desk).",
    )
    members = MultiCheckboxField(
        "Members",
        coerce=int,
        description="They hear of its new tickets; with nobody ticked, every agent and manager does.",
    )


class RenameDepartmentForm(FlaskForm):
    """Rename one department (`tickets.departments.rename_department` checks the name)."""

    old_name = HiddenField()
    new_name = StringField("Rename to")


class HelpdeskForm(SettingsForm):
    """Departments, business hours, holidays, SLA targets (built below per tier/priority)."""

    settings_prefix = "helpdesk"
    departments = TextAreaField("Departments", description="One per line.", render_kw={"rows": 4})
    timezone = StringField(
        "Time zone",
        validators=[checked(helpdesk_rules.timezone)],
        description="IANA name, e.g. Europe/Berlin.",
    )
    holidays = TextAreaField(
        "Holidays",
        validators=[checked(helpdesk_rules.holidays)],
        description="One date per line, e.g. 2026-12-25.",
        render_kw={"rows": 4},
    )
    per_department = FieldList(FormField(DepartmentForm))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._member_choices: list[tuple[int, str]] | None = None
        self._set_member_choices()

    def _set_member_choices(self) -> None:
        """Anyone who works tickets can belong to a department (read once per form)."""
        if not self.per_department.entries:
            return
        if self._member_choices is None:
            from cloudmanager.tickets.helpdesk import ticket_staff

            self._member_choices = [(user.id, user.name) for user in ticket_staff()]
        for entry in self.per_department:
            entry.members.choices = self._member_choices

    def load(self, values: dict[str, Any]) -> None:
        """Lists as lines, hours per day, SLA as a grid of numbers, one sub-form per department."""
        self.departments.data = "\n".join(values["departments"])
        self.timezone.data = values["timezone"]
        self.holidays.data = "\n".join(values["holidays"])
        for day in WEEKDAYS:
            self[f"hours_{day}"].data = values["business_hours"].get(day, "")
        for tier, priorities in values["sla"].items():
            for priority, (first, resolve) in priorities.items():
                self[f"sla_{tier}_{priority}_first"].data = first
                self[f"sla_{tier}_{priority}_resolve"].data = resolve
        while self.per_department.entries:
            self.per_department.pop_entry()
        for name in values["departments"]:
            own = values["department_calendars"].get(name) or {}
            hours = own.get("business_hours") or {}
            self.per_department.append_entry(
                {
                    "department": name,
                    "timezone": own.get("timezone", ""),
                    "holidays": "\n".join(own.get("holidays") or []),
                    "works_holidays": bool(own.get("works_holidays")),
                    "members": values["department_members"].get(name, []),
                    **{f"hours_{day}": hours.get(day, "") for day in WEEKDAYS},
                }
            )
        self._set_member_choices()

    def dump(self) -> dict[str, Any]:
        """Back into the stored shapes; sub-forms of departments no longer listed are dropped."""
        from cloudmanager.products.models import SUPPORT_TIERS

        listed = set(helpdesk_rules.lines(self.departments.data))
        own = [entry for entry in self.per_department if entry["department"].data in listed]
        return {
            "helpdesk.departments": self.departments.data,
            "helpdesk.timezone": self.timezone.data,
            "helpdesk.holidays": self.holidays.data,
            "helpdesk.business_hours": {d: self[f"hours_{d}"].data for d in WEEKDAYS},
            "helpdesk.sla": {
                tier: {
                    p: [self[f"sla_{tier}_{p}_first"].data, self[f"sla_{tier}_{p}_resolve"].data]
                    for p in PRIORITIES
                }
                for tier in SUPPORT_TIERS
            },
            "helpdesk.department_calendars": {
                entry["department"].data: {
                    "timezone": entry["timezone"].data,
                    "business_hours": {d: entry[f"hours_{d}"].data for d in WEEKDAYS},
                    "holidays": entry["holidays"].data,
                    "works_holidays": entry["works_holidays"].data,
                }
                for entry in own
            },
            "helpdesk.department_members": {
                entry["department"].data: entry["members"].data or [] for entry in own
            },
        }

    def field_for(self, key: str) -> str:
        """Errors of grouped settings show on their first field (per department: above the form)."""
        return {"helpdesk.business_hours": "hours_mon", "helpdesk.sla": "sla_basic_low_first"}.get(
            key, key.split(".", 1)[1]
        )


def _add_helpdesk_fields() -> None:
    from cloudmanager.products.models import SUPPORT_TIERS

    for day in WEEKDAYS:
        # Empty is "closed" for the helpdesk, "the helpdesk's" for a department (see the page).
        for form_class, extra in ((HelpdeskForm, {"placeholder": "closed"}), (DepartmentForm, {})):
            field = StringField(
                day.title(),
                validators=[checked(helpdesk_rules.hours_span)],
                render_kw={"pattern": HOURS_PATTERN, **extra},
            )
            setattr(form_class, f"hours_{day}", field)
    for tier in SUPPORT_TIERS:
        for priority in PRIORITIES:
            for part, label in (("first", "first response"), ("resolve", "resolution")):
                setattr(
                    HelpdeskForm,
                    f"sla_{tier}_{priority}_{part}",
                    IntegerField(
                        f"{tier.title()} {priority} {label} (hours)",
                        validators=[Optional()],
                        render_kw={"min": 1, "inputmode": "numeric"},
                    ),
                )


_add_helpdesk_fields()
