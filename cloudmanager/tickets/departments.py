"""Renaming a helpdesk department: its place in the list, its own calendar and members,
its tickets and its canned responses all move to the new name together.

Editing the list of departments by hand reads as "remove one, add another": the
removed one's calendar and members are dropped and its tickets keep a name no
longer listed. This is the rename that keeps them.
"""

from typing import Any

from sqlalchemy import update

from cloudmanager.core.audit import audit
from cloudmanager.core.errors import ValidationFailed
from cloudmanager.extensions import db
from cloudmanager.settings.services import get_setting, update_settings
from cloudmanager.tickets.models import CannedResponse, Ticket

# As long as a ticket can store it.
NAME_LENGTH = Ticket.__table__.c.department.type.length


def rename_department(old: str, new: str, *, by: Any) -> int:
    """Rename department `old` to `new` everywhere; returns how many tickets moved.

    ValidationFailed (keyed `new_name`) when `old` is no longer a department or
    `new` is empty, too long or another department's name. The caller commits.
    """
    new = " ".join((new or "").split())
    names = list(get_setting("helpdesk.departments"))
    if old not in names:
        raise ValidationFailed({"new_name": "That department no longer exists."})
    if not new:
        raise ValidationFailed({"new_name": "Enter the department's new name."})
    if len(new) > NAME_LENGTH:
        raise ValidationFailed({"new_name": f"At most {NAME_LENGTH} characters."})
    if new != old and new in names:
        raise ValidationFailed({"new_name": f"“{new}” is already a department."})
    if new == old:
        return 0

    def renamed(mapping: dict[str, Any]) -> dict[str, Any]:
        return {(new if name == old else name): value for name, value in mapping.items()}

    update_settings(
        {
            "helpdesk.departments": [new if name == old else name for name in names],
            "helpdesk.department_calendars": renamed(get_setting("helpdesk.department_calendars")),
            "helpdesk.department_members": renamed(get_setting("helpdesk.department_members")),
        },
        by=by,
    )
    moved = db.session.execute(
        update(Ticket).where(Ticket.department == old).values(department=new)
    ).rowcount
    db.session.execute(
        update(CannedResponse).where(CannedResponse.department == old).values(department=new)
    )
    audit(
        "helpdesk.department_renamed",
        object_type="setting",
        object_id="helpdesk.departments",
        before={"department": old},
        after={"department": new, "tickets_moved": moved},
        summary=f"Department “{old}” renamed to “{new}” ({moved} tickets).",
        actor=by,
    )
    return moved
