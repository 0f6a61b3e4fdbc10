"""The helpdesk reports' filters and the labels of their groups.

Departments and agents change while the app runs, so their choices are read
from the settings and the users table once per request that shows a report page.
"""

from sqlalchemy import select

from cloudmanager.extensions import db
from cloudmanager.reporting.choices import LazyChoices
from cloudmanager.reporting.helpdesk_queries import BREAKDOWNS
from cloudmanager.tickets.models import PRIORITIES

ALL_LABEL = "All tickets"
UNASSIGNED = "Unassigned"


def department_choices() -> list[tuple[str, str]]:
    """The departments of the helpdesk settings."""
    from cloudmanager.tickets.helpdesk import departments

    return [(name, name) for name in departments()]


def _staff():
    from cloudmanager.auth.models import User

    return db.session.execute(
        select(User.id, User.name, User.active)
        .where(User.role != "accountant")
        .order_by(User.name, User.id)
    ).all()


def agent_choices() -> list[tuple[str, str]]:
    """Staff who can hold tickets (former staff too: their tickets stay in the history)."""
    return [(str(i), name if active else f"{name} (inactive)") for i, name, active in _staff()]


def priority_choices() -> list[tuple[str, str]]:
    """The ticket priorities, lowest first."""
    return list(PRIORITIES.items())


BREAKDOWN_FILTER = ("by", "Breakdown", tuple(BREAKDOWNS.items()))
TICKET_FILTERS = (
    ("department", "Department", LazyChoices("departments", department_choices)),
    ("agent", "Agent", LazyChoices("agents", agent_choices)),
    ("priority", "Priority", LazyChoices("priorities", priority_choices)),
)


def breakdowns_of(filters: dict[str, str]) -> tuple[str, ...]:
    """The breakdowns a report shows: the chosen one, or every one ("All")."""
    chosen = filters.get("by")
    return (chosen,) if chosen else tuple(BREAKDOWNS)


def ordered_groups(breakdown: str, groups: set[str]) -> list[tuple[str, str]]:
    """(group key, label) of one breakdown in reading order."""
    if breakdown == "priority":
        order = list(PRIORITIES)
        return [
            (key, PRIORITIES.get(key, key))
            for key in sorted(groups, key=lambda k: (order.index(k) if k in order else 99, k))
        ]
    if breakdown == "agent":
        names = {str(i): name for i, name, _active in _staff()} if groups else {}
        labelled = [(key, names.get(key, f"User #{key}") if key else UNASSIGNED) for key in groups]
        return sorted(labelled, key=lambda pair: (pair[0] == "", pair[1].lower()))
    return sorted(((key, key) for key in groups), key=lambda pair: pair[1].lower())
