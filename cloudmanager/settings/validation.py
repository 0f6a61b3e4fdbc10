"""Rules per setting: every value passes here before `update_settings` stores it."""

import re
from email.utils import parseaddr
from typing import Any, Callable

from email_validator import EmailNotValidError, validate_email

from cloudmanager.products.currencies import is_currency
from cloudmanager.settings.events import NOTIFICATION_EVENTS
from cloudmanager.settings.helpdesk_rules import (
    business_hours,
    department_calendars,
    department_members,
    holidays,
    lines,
    sla,
    timezone,
)

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
