"""Helpdesk settings as the tickets see them: departments, calendars, SLA targets, tiers.

The values live in the settings service (`helpdesk.*`, edited on the settings
page); `helpdesk.sla` maps tier → priority → [first response, resolution] hours.
"""

from typing import Any

from cloudmanager.settings.services import get_setting
from cloudmanager.tickets.sla import BusinessCalendar

DEFAULT_TIER = "standard"


def helpdesk_setting(key: str) -> Any:
    """A `helpdesk.*` setting (departments, hours, holidays, time zone, SLA table)."""
    return get_setting(key)


def departments() -> list[str]:
    """The departments tickets can be filed under."""
    return list(helpdesk_setting("helpdesk.departments"))


def calendar_for(department: str) -> BusinessCalendar:
    """The business hours and holidays the department's SLA clocks run on.

    Departments share one calendar today; a per-department calendar changes
    only this function.
    """
    return BusinessCalendar.from_settings(
        helpdesk_setting("helpdesk.business_hours"),
        helpdesk_setting("helpdesk.holidays"),
        helpdesk_setting("helpdesk.timezone") or "UTC",
    )


def sla_targets(tier: str, priority: str) -> tuple[int, int]:
    """(first response, resolution) targets in business minutes."""
    table = helpdesk_setting("helpdesk.sla")
    row = table.get(tier) or table.get(DEFAULT_TIER) or next(iter(table.values()))
    first, resolve = row.get(priority) or row.get("normal")
    return int(first) * 60, int(resolve) * 60


def support_tier_for(customer: Any) -> str:
    """The support tier a customer's tickets are answered under.

    Until services exist this is the customer's own `support_tier` field when
    it has one, else "standard"; later it becomes the best tier among the
    customer's active services.
    """
    tier = getattr(customer, "support_tier", None) if customer is not None else None
    return tier or DEFAULT_TIER
