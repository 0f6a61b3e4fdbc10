"""Helpdesk settings as the tickets see them: departments, calendars, SLA targets, tiers.

The values live in the settings service (`helpdesk.*`, edited on the settings
page). The fallbacks below are used only while a key has no default there, so
this module works before and after the settings page lands.
"""

from typing import Any

from cloudmanager.settings.services import DEFAULTS, get_setting
from cloudmanager.tickets.sla import BusinessCalendar

DEFAULT_TIER = "standard"

FALLBACKS: dict[str, Any] = {
    "helpdesk.departments": ["Technical support", "Billing", "Sales"],
    "helpdesk.timezone": "Europe/Berlin",
    "helpdesk.business_hours": {
        **{day: "09:00-17:00" for day in ("mon", "tue", "wed", "thu", "fri")},
        "sat": "",
        "sun": "",
    },
    "helpdesk.holidays": ["2026-12-24", "2026-12-25", "2026-12-26", "2027-01-01"],
    # tier → priority → [first response, resolution] in business hours
    "helpdesk.sla": {
        "basic": {"low": [24, 120], "normal": [16, 80], "high": [8, 40], "urgent": [4, 24]},
        "standard": {"low": [16, 80], "normal": [8, 40], "high": [4, 16], "urgent": [2, 8]},
        "premium": {"low": [8, 40], "normal": [4, 16], "high": [2, 8], "urgent": [1, 4]},
    },
}


def helpdesk_setting(key: str) -> Any:
    """A `helpdesk.*` setting, or its fallback while the settings service has no default."""
    return get_setting(key) if key in DEFAULTS else FALLBACKS[key]


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
