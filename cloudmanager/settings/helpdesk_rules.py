"""Rules of the helpdesk settings: departments, calendars, members and SLA targets.

`settings.validation` applies them per setting; the helpdesk form checks its
fields with the same functions, so a message shows next to the field.
"""

import re
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PRIORITIES = ("low", "normal", "high", "urgent")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
HOURS = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$")


def timezone(value: Any) -> str:
    """An IANA time zone name."""
    try:
        ZoneInfo(str(value or ""))
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("Unknown time zone, e.g. Europe/Berlin.") from None
    return str(value)


def lines(value: Any) -> list[str]:
    """Distinct non-empty lines."""
    items = value if isinstance(value, list) else str(value or "").splitlines()
    seen: list[str] = []
    for item in (str(i).strip() for i in items):
        if item and item not in seen:
            seen.append(item[:80])
    return seen


def hours_span(value: Any) -> str:
    """Opening hours of one day: "09:00-17:00", or "" for closed."""
    span = str(value or "").replace(" ", "")
    if span and (not HOURS.fullmatch(span) or span[:5] >= span[6:]):
        raise ValueError("Use HH:MM-HH:MM, e.g. 09:00-17:00.")
    return span


def business_hours(value: Any) -> dict[str, str]:
    """{weekday: "09:00-17:00" or "" for closed}."""
    hours = {}
    for day in WEEKDAYS:
        try:
            hours[day] = hours_span((value or {}).get(day))
        except ValueError as exc:
            raise ValueError(f"{day.title()}: {exc}") from None
    return hours


def holidays(value: Any) -> list[str]:
    """ISO dates, sorted."""
    days = []
    for item in lines(value):
        try:
            days.append(date.fromisoformat(item).isoformat())
        except ValueError:
            raise ValueError(f"{item} is not a date like 2026-12-25.") from None
    return sorted(set(days))


def optional_timezone(value: Any) -> str:
    """An IANA time zone name, or "" (then the helpdesk's applies)."""
    value = str(value or "").strip()
    return timezone(value) if value else ""


def _mapping(value: Any) -> dict:
    if not isinstance(value or {}, dict):
        raise ValueError("Expected one entry per department.")
    return value or {}


def department_calendars(value: Any) -> dict[str, dict[str, Any]]:
    """department → its own {"timezone", "business_hours", "holidays"[, "works_holidays"]}.

    An empty part means the helpdesk's (hours empty on every day: the
    helpdesk's hours); `works_holidays` (kept only when true) means no holidays
    at all, and cannot come with holidays of its own. Departments that set
    nothing are left out.
    """
    result: dict[str, dict[str, Any]] = {}
    for name, calendar in _mapping(value).items():
        name = str(name).strip()[:80]
        try:
            calendar = _mapping(calendar)
            own = {
                "timezone": optional_timezone(calendar.get("timezone")),
                "business_hours": business_hours(calendar.get("business_hours")),
                "holidays": holidays(calendar.get("holidays")),
            }
            if calendar.get("works_holidays"):
                if own["holidays"]:
                    raise ValueError("it has holidays of its own and works through holidays.")
                own["works_holidays"] = True
        except ValueError as exc:
            raise ValueError(f"{name}: {exc}") from None
        chosen = own["timezone"] or own["holidays"] or own.get("works_holidays")
        if name and (chosen or any(own["business_hours"].values())):
            result[name] = own
    return result


def department_members(value: Any) -> dict[str, list[int]]:
    """department → sorted distinct user ids; departments without members are left out."""
    result: dict[str, list[int]] = {}
    for name, ids in _mapping(value).items():
        name = str(name).strip()[:80]
        try:
            if not isinstance(ids, (list, tuple)):
                raise TypeError
            members = sorted({int(i) for i in ids})
        except (TypeError, ValueError):
            raise ValueError(f"{name}: members are user ids.") from None
        if name and members:
            result[name] = members
    return result


def sla(value: Any) -> dict[str, dict[str, list[int]]]:
    """tier → priority → [first response hours, resolution hours], response ≤ resolution."""
    from cloudmanager.products.models import SUPPORT_TIERS
    from cloudmanager.settings.validation import integer

    hours = integer(1, 2000)
    result: dict[str, dict[str, list[int]]] = {}
    for tier in SUPPORT_TIERS:
        result[tier] = {}
        for priority in PRIORITIES:
            first, resolve = (value or {}).get(tier, {}).get(priority) or (None, None)
            first, resolve = hours(first), hours(resolve)
            if first > resolve:
                raise ValueError(
                    f"{tier} / {priority}: the first response comes before resolution."
                )
            result[tier][priority] = [first, resolve]
    return result
