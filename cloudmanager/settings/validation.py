"""Rules per setting: every value passes here before `update_settings` stores it."""

import re
from datetime import date
from email.utils import parseaddr
from typing import Any, Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from email_validator import EmailNotValidError, validate_email

from cloudmanager.products.currencies import is_currency
from cloudmanager.settings.events import NOTIFICATION_EVENTS

PRIORITIES = ("low", "normal", "high", "urgent")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
HOURS = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$")
BIC = re.compile(r"^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$")
DATE_FORMATS = {
    "%d %b %Y": "26 Nov 2026",
    "%d.%m.%Y": "26.11.2026",
    "%Y-%m-%d": "2026-11-26",
    "%d/%m/%Y": "26/11/2026",
    "%m/%d/%Y": "11/26/2026",
}
NUMBER_FORMATS = ("1,234.56", "1.234,56", "1 234,56")


def text(max_length: int = 200, required: bool = False) -> Callable[[Any], str]:
    """A trimmed string of limited length."""

    def check(value: Any) -> str:
        value = str(value or "").strip()
        if required and not value:
            raise ValueError("This cannot be empty.")
        if len(value) > max_length:
            raise ValueError(f"Use at most {max_length} characters.")
        return value

    return check


def integer(low: int, high: int) -> Callable[[Any], int]:
    """A whole number between `low` and `high`."""

    def check(value: Any) -> int:
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ValueError("Enter a whole number.") from None
        if not low <= number <= high:
            raise ValueError(f"Enter a number from {low} to {high}.")
        return number

    return check


def day_list(value: Any) -> list[int]:
    """Days as a sorted list of distinct whole numbers 0–365 ("7, 14, 30" or a list)."""
    items = value if isinstance(value, list) else re.split(r"[,\s]+", str(value or "").strip())
    days = sorted({integer(0, 365)(item) for item in items if str(item).strip()})
    return days


def boolean(value: Any) -> bool:
    """True or False."""
    return bool(value)


def email(value: Any) -> str:
    """A syntactically valid address."""
    try:
        return validate_email(str(value or "").strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValueError(str(exc)) from None


def sender(value: Any) -> str:
    """`Name <address>` or a bare address."""
    value = str(value or "").strip()
    name, address = parseaddr(value)
    email(address)
    return value


def country(value: Any) -> str:
    """A two-letter country code."""
    code = str(value or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", code):
        raise ValueError("Use a two-letter country code such as DE.")
    return code


def iban(value: Any) -> str:
    """An IBAN with a correct checksum (or empty); stored without spaces."""
    code = re.sub(r"\s+", "", str(value or "")).upper()
    if not code:
        return ""
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", code):
        raise ValueError("This is not an IBAN.")
    digits = "".join(str(int(ch, 36)) for ch in code[4:] + code[:4])
    if int(digits) % 97 != 1:
        raise ValueError("The IBAN's check digits are wrong.")
    return code


def bic(value: Any) -> str:
    """A BIC of 8 or 11 characters (or empty)."""
    code = str(value or "").strip().upper()
    if code and not BIC.fullmatch(code):
        raise ValueError("A BIC has 8 or 11 letters and digits.")
    return code


def currency(value: Any) -> str:
    """An ISO 4217 code."""
    code = str(value or "").strip().upper()
    if not is_currency(code):
        raise ValueError("Unknown currency: use an ISO 4217 code such as EUR.")
    return code


def one_of(options) -> Callable[[Any], str]:
    """One of a fixed set of values."""

    def check(value: Any) -> str:
        if value not in options:
            raise ValueError("Choose one of the options.")
        return value

    return check


def events(value: Any) -> list[str]:
    """Known notification events."""
    unknown = [item for item in value or [] if item not in NOTIFICATION_EVENTS]
    if unknown:
        raise ValueError("Unknown event: " + ", ".join(unknown))
    return [name for name in NOTIFICATION_EVENTS if name in (value or [])]


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


RULES: dict[str, Callable[[Any], Any]] = {
    "company.legal_name": text(200, required=True),
    "company.address": text(500, required=True),
    "company.country": country,
    "company.vat_id": text(20),
    "company.registration_number": text(60),
    "company.iban": iban,
    "company.bic": bic,
    "company.email": email,
    "company.phone": text(40),
    "company.logo": text(200),
    "locale.currency": currency,
    "locale.date_format": one_of(DATE_FORMATS),
    "locale.number_format": one_of(NUMBER_FORMATS),
    "invoicing.number_prefix": text(12),
    "invoicing.number_digits": integer(3, 10),
    "invoicing.yearly_reset": boolean,
    "invoicing.credit_note_prefix": text(12, required=True),
    "invoicing.payment_terms_days": integer(0, 365),
    "invoicing.reminder_days_before": day_list,
    "invoicing.reminder_days_after": day_list,
    "invoicing.renewal_days_before": integer(0, 90),
    "invoicing.suspend_after_days": integer(1, 365),
    "invoicing.reverse_charge_note": text(300, required=True),
    "helpdesk.departments": lines,
    "helpdesk.timezone": timezone,
    "helpdesk.business_hours": business_hours,
    "helpdesk.holidays": holidays,
    "helpdesk.department_calendars": department_calendars,
    "helpdesk.department_members": department_members,
    "helpdesk.sla": sla,
    "notifications.sender": sender,
    "notifications.email_events": events,
    "notifications.sms_events": events,
    "security.require_2fa": boolean,
    "security.require_2fa_non_admins": boolean,
    "security.session_idle_minutes": integer(5, 24 * 60),
    "security.lockout_threshold": integer(3, 50),
    "security.lockout_minutes": integer(1, 24 * 60),
}


def clean_setting(key: str, value: Any) -> Any:
    """The checked value of `key`; ValueError with a message for the user."""
    rule = RULES.get(key)
    return rule(value) if rule else value
